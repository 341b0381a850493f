import * as d3 from 'd3';
import { useMemo } from 'react';
import { Axis, C, ChartFrame, RevealLayer, useChartWidth, type LegendItem } from '../../charts/kit';
import { formatCount } from '../../format';
import { blockOpColor } from '../../graphs/ops';
import { BLOCK_OP_SHORT } from './ArchChain';
import { boardOpFrequency, type CreamModel, ema, entryRegion, lastMatched } from './creamState';
import type { BlockOp } from '../../../engine/spaces/blocks';

/*
 * Cream's live charts. React owns every SVG node; d3 computes scales and path strings only.
 * Thousands of points are drawn as a few <path> elements (one per category), so a long run stays light.
 */

const M = { left: 50, right: 14, top: 18, bottom: 36 };

const dotPath = (pts: [number, number][]) => pts.map(([x, y]) => `M${x.toFixed(1)},${y.toFixed(1)}h0`).join('');

/** Every sampled path at (FLOPs, accuracy), with the region that would enter the board shaded. */
export function PathScatter({ model }: { model: CreamModel }) {
  const H = 280;
  const [box, W] = useChartWidth(560);
  const s = model.setup!;
  const geo = useMemo(() => {
    const x = d3.scaleLinear().domain([s.minFlops, s.maxFlops]).range([M.left, W - M.right]).nice();
    const accs = model.rows.map((r) => r.acc);
    const [lo, hi] = accs.length ? (d3.extent(accs) as [number, number]) : [0, 100];
    const y = d3
      .scaleLinear()
      .domain([Math.max(0, lo - 5), Math.min(100, hi + 5)])
      .range([H - M.bottom, M.top])
      .nice();
    const groups = { warmup: [] as [number, number][], refused: [] as [number, number][], admitted: [] as [number, number][] };
    for (const r of model.rows) {
      const g = r.phase === 'warmup' ? groups.warmup : r.admitted && r.admitted !== 'refresh' ? groups.admitted : groups.refused;
      g.push([x(r.flops), y(r.acc)]);
    }
    return { x, y, warmup: dotPath(groups.warmup), refused: dotPath(groups.refused), admitted: dotPath(groups.admitted) };
  }, [model.rows, s.minFlops, s.maxFlops, W]);
  const { x, y } = geo;
  const region = entryRegion(model);
  const [x0, x1] = x.range();
  const [yBottom, yTop] = y.range();
  const clampY = (v: number) => Math.max(yTop, Math.min(yBottom, y(v)));
  const worst = region?.kind === 'rule' ? region : null;
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="cream-chart" legend={SCATTER_LEGEND} role="img" aria-label="Sampled paths: accuracy against FLOPs, with the region that would enter the board" data-testid="cream-scatter" data-count={model.rows.length}>
      {region?.kind === 'all' && (
        <rect className="cream-region" x={x0} y={yTop} width={x1 - x0} height={yBottom - yTop}>
          <title>The board is not full: any path enters.</title>
        </rect>
      )}
      {worst && (
        <g className="cream-region" data-testid="cream-region">
          <rect x={x0} y={yTop} width={x1 - x0} height={Math.max(0, clampY(worst.worstAcc + worst.gap) - yTop)}>
            <title>{`Enters: more than ${worst.gap} points above the worst entry (${worst.worstAcc.toFixed(1)}%), whatever its FLOPs`}</title>
          </rect>
          <rect x={x0} y={clampY(worst.worstAcc + worst.gap)} width={Math.max(0, Math.min(x1, x(worst.worstFlops)) - x0)} height={Math.max(0, clampY(worst.worstAcc) - clampY(worst.worstAcc + worst.gap))}>
            <title>{`Enters: above the worst entry's accuracy with fewer FLOPs than its ${formatCount(worst.worstFlops)}`}</title>
          </rect>
        </g>
      )}
      <line x1={x(s.flopsLimit)} x2={x(s.flopsLimit)} y1={yTop} y2={yBottom} className="cream-budget">
        <title>{`final pick's FLOPs budget: ${formatCount(s.flopsLimit)}`}</title>
      </line>
      <Axis scale={x} orient="bottom" at={yBottom} ticks={6} format={(v) => formatCount(v)} />
      <Axis scale={y} orient="left" at={x0} ticks={5} />
      <text className="axis-title" x={x1} y={H - 4} textAnchor="end">
        FLOPs (multiply–accumulates) · dashed: the final pick's budget
      </text>
      <text className="axis-title" x={4} y={M.top - 4}>
        accuracy % ({s.boardMetric === 'val' ? `fixed validation batch of ${s.valBatch}` : 'own training batch'})
      </text>
      <path d={geo.warmup} className="cream-dot cream-dot-warmup" />
      <path d={geo.refused} className="cream-dot cream-dot-refused" />
      <path d={geo.admitted} className="cream-dot cream-dot-admitted" />
      {model.board.map((e) => (
        <circle key={e.id} cx={x(e.flops)} cy={y(e.acc)} r={5.5} className="cream-dot-board">
          <title>{`on the board: ${e.arch} — ${e.acc.toFixed(1)}%, ${formatCount(e.flops)} FLOPs`}</title>
        </circle>
      ))}
    </ChartFrame>
  );
}


/** The latest matching: each board entry's score for the current path, the chosen teacher highlighted. */
export function MatchingChart({ model }: { model: CreamModel }) {
  const H = 170;
  const [box, W] = useChartWidth(560);
  const row = lastMatched(model);
  const scores = row?.scores ?? [];
  const ids = scores.map((sc) => String(sc.id));
  const x = d3.scaleBand<string>().domain(ids).range([M.left, W - M.right]).padding(0.3);
  const ext = d3.extent([0, ...scores.map((sc) => sc.score)]) as [number, number];
  const pad = Math.max((ext[1] - ext[0]) * 0.15, 0.05);
  const y = d3.scaleLinear().domain([ext[0] - pad, ext[1] + pad]).range([H - M.bottom, M.top]).nice();
  const rank = new Map(model.board.map((e, i) => [e.id, i + 1]));
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="cream-chart" role="img" aria-label="Matching scores of the board entries for the latest path" data-testid="cream-matching" data-teacher={row?.teacherId ?? ''}>
      {!row ? (
        <text x={W / 2} y={H / 2} textAnchor="middle" className="muted-svg">
          {model.setup?.distill ? 'Matching starts when the board holds its first path.' : 'Distillation is off: no teacher is matched.'}
        </text>
      ) : (
        <>
          <Axis scale={y} orient="left" at={M.left} ticks={4} />
          <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} stroke={C.faint} />
          {scores.map((sc) => {
            const chosen = sc.id === row.teacherId;
            return (
              <g key={sc.id}>
                <rect x={x(String(sc.id))} width={x.bandwidth()} y={Math.min(y(0), y(sc.score))} height={Math.abs(y(sc.score) - y(0))} className={chosen ? 'cream-bar-chosen' : 'cream-bar'}>
                  <title>{`entry ${sc.id}: score ${sc.score.toFixed(4)}${chosen ? ` — chosen, ρ = ${row.rho!.toFixed(3)}` : ''}`}</title>
                </rect>
                <text x={x(String(sc.id))! + x.bandwidth() / 2} y={H - M.bottom + 15} textAnchor="middle">
                  {rank.has(sc.id) ? `#${rank.get(sc.id)}` : `id ${sc.id}`}
                  {chosen ? ' ★' : ''}
                </text>
              </g>
            );
          })}
          <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
            {`step ${row.step}: matching score per board entry · ★ teaches, ρ = ${row.rho!.toFixed(3)}`}
          </text>
        </>
      )}
    </ChartFrame>
  );
}

/** ρ of every distilled step, and the meta network's updates (ρ before → after). */
export function RhoChart({ model }: { model: CreamModel }) {
  const H = 170;
  const [box, W] = useChartWidth(560);
  const s = model.setup!;
  const pts = model.rows.filter((r) => r.rho !== null);
  const x = d3.scaleLinear().domain([0, Math.max(s.steps, 1)]).range([M.left, W - M.right]);
  const rhos = pts.map((r) => r.rho!);
  const [lo, hi] = rhos.length ? (d3.extent(rhos) as [number, number]) : [0.4, 0.6];
  const pad = Math.max((hi - lo) * 0.1, 0.01);
  const y = d3.scaleLinear().domain([Math.max(0, lo - pad), Math.min(1, hi + pad)]).range([H - M.bottom, M.top]).nice();
  const dots = dotPath(pts.map((r) => [x(r.step), y(r.rho!)]));
  const trend = d3.line()(ema(pts.map((r) => ({ x: x(r.step), y: y(r.rho!) })), 0.1)) ?? '';
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="cream-chart" legend={RHO_LEGEND} role="img" aria-label="ρ over training steps" data-testid="cream-rho" data-count={pts.length}>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={6} format={d3.format('d')} />
      <Axis scale={y} orient="left" at={M.left} ticks={4} />
      <rect x={M.left} y={M.top} width={Math.max(0, x(s.warmup) - M.left)} height={H - M.bottom - M.top} className="cream-warmup-band">
        <title>warm-up: cross-entropy only</title>
      </rect>
      <path d={dots} className="cream-dot cream-dot-rho" />
      <path d={trend} className="cream-trend" />
      {model.metas.map((m) => (
        <line key={m.step} x1={x(m.step)} x2={x(m.step)} y1={y(Math.max(y.domain()[0], Math.min(y.domain()[1], m.rhoBefore)))} y2={y(Math.max(y.domain()[0], Math.min(y.domain()[1], m.rhoAfter)))} className={m.rhoAfter >= m.rhoBefore ? 'cream-meta-up' : 'cream-meta-down'}>
          <title>{`meta update at step ${m.step}: ρ ${m.rhoBefore.toFixed(4)} → ${m.rhoAfter.toFixed(4)}, dL/dρ = ${m.dLossDRho.toExponential(2)}, look-ahead loss ${m.lookaheadLoss.toFixed(3)}`}</title>
        </line>
      ))}
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        training step
      </text>
      {pts.length === 0 && (
        <text x={W / 2} y={H / 2} textAnchor="middle" className="muted-svg">
          {s.distill ? 'ρ appears once the board starts teaching.' : 'Distillation is off.'}
        </text>
      )}
    </ChartFrame>
  );
}

/**
 * CE, KD and the total loss per step, smoothed. The whole run's curves are drawn once and revealed
 * up to the moment's last step (the smoothing is causal: a prefix's curve is the whole curve cut
 * there), so a timeline move redraws nothing but the reveal's width.
 */
export function LossCurves({ model, whole }: { model: CreamModel; whole: CreamModel }) {
  const H = 190;
  const [box, W] = useChartWidth(560);
  const s = model.setup!;
  // The whole run is the base only when it begins with the moment's rows (a live run's whole log can trail).
  const k = model.rows.length;
  const base = whole !== model && whole.setup === s && whole.rows.length >= k && (k === 0 || whole.rows[k - 1] === model.rows[k - 1]) ? whole : model;
  const geo = useMemo(() => {
    const x = d3.scaleLinear().domain([0, Math.max(s.steps, 1)]).range([M.left, W - M.right]);
    const all = base.rows.flatMap((r) => [r.ce, r.loss, ...(r.kd === null ? [] : [r.kd])]).filter(Number.isFinite);
    const y = d3
      .scaleLinear()
      .domain([0, 1.05 * (all.length ? Math.min(d3.max(all)!, 4) : 2.5)])
      .range([H - M.bottom, M.top])
      .nice();
    const line = (key: 'ce' | 'kd' | 'loss') => d3.line()(ema(base.rows.map((r) => ({ x: x(r.step), y: r[key] === null ? null : y(Math.min(r[key]!, y.domain()[1])) })), 0.08)) ?? '';
    return { x, y, ce: line('ce'), kd: line('kd'), loss: line('loss') };
  }, [base, s.steps, W]);
  const { x, y } = geo;
  const last = model.rows.at(-1);
  const layers = (
    <RevealLayer width={W} height={H} revealTo={base === model ? null : last ? x(last.step) : 0}>
      <path d={geo.ce} className="cream-line-ce" />
      <path d={geo.kd} className="cream-line-kd" />
      <path d={geo.loss} className="cream-line-total" />
    </RevealLayer>
  );
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="cream-chart" legend={LOSS_LEGEND} layers={layers} role="img" aria-label="Cross-entropy, distillation and total loss over training steps" data-testid="cream-losses" data-steps={model.rows.length}>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={6} format={d3.format('d')} />
      <Axis scale={y} orient="left" at={M.left} ticks={4} />
      <rect x={M.left} y={M.top} width={Math.max(0, x(s.warmup) - M.left)} height={H - M.bottom - M.top} className="cream-warmup-band" />
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        step (smoothed; grey band: warm-up, cross-entropy only)
      </text>
    </ChartFrame>
  );
}

/** How often each op appears at each layer among the board's paths. */
export function OpFrequency({ model }: { model: CreamModel }) {
  const s = model.setup!;
  const rows = boardOpFrequency(model);
  const n = Math.max(model.board.length, 1);
  const cellW = 78;
  const labelW = 120;
  const rowH = 22;
  const H = rows.length * rowH + 28;
  const Wf = labelW + s.ops.length * cellW + 8;
  // Share as the cell's opacity over the ink colour: light and dark themes alike.
  const shade = (f: number) => 0.08 + 0.82 * f;
  return (
    <svg className="cream-opfreq" width={Wf} height={H} role="img" aria-label="Op frequency per layer among the board's paths" data-testid="cream-opfreq">
      {s.ops.map((op, j) => (
        <g key={op}>
          <rect x={labelW + j * cellW + 4} y={4} width={10} height={10} fill={blockOpColor(op as BlockOp)} />
          <text x={labelW + j * cellW + 18} y={14}>
            {BLOCK_OP_SHORT[op as BlockOp]}
          </text>
        </g>
      ))}
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0,${24 + i * rowH})`}>
          <text x={labelW - 6} y={15} textAnchor="end">
            {r.label}
          </text>
          {s.ops.map((op, j) => {
            const f = (r.counts[op] ?? 0) / n;
            return (
              <g key={op}>
                <rect x={labelW + j * cellW + 2} y={1} width={cellW - 4} height={rowH - 3} fill={C.ink} fillOpacity={shade(f)} rx={2}>
                  <title>{`${r.label}: ${op} in ${r.counts[op] ?? 0} of ${model.board.length} board paths`}</title>
                </rect>
                <text x={labelW + j * cellW + cellW / 2} y={15} textAnchor="middle" className={f > 0.5 ? 'on-ink' : undefined}>
                  {model.board.length ? `${r.counts[op] ?? 0}/${model.board.length}` : ''}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

const SCATTER_LEGEND: LegendItem[] = [
  { label: 'warm-up path', color: C.faint, mark: 'dot' },
  { label: 'turned away', color: C.primary, mark: 'dot' },
  { label: 'entered the board', color: C.good, mark: 'dot' },
  { label: 'on the board now', color: C.highlight, mark: 'ring' },
  { label: "the final pick's FLOPs budget", color: C.muted, mark: 'dash' },
];
const RHO_LEGEND: LegendItem[] = [
  { label: 'ρ of each distilled step', color: C.primary, mark: 'dot' },
  { label: 'its trend', color: C.ink, mark: 'line' },
  { label: 'meta update: ρ up', color: C.good, mark: 'rule' },
  { label: 'ρ down', color: C.bad, mark: 'rule' },
  { label: 'warm-up (cross-entropy only)', color: C.faint, mark: 'swatch' },
];
const LOSS_LEGEND: LegendItem[] = [
  { label: 'CE (labels)', color: C.primary, mark: 'line' },
  { label: 'KD (teacher path, T = 1)', color: C.highlight, mark: 'line' },
  { label: '(ρ·KD + (2−ρ)·CE) / 2', color: C.ink, mark: 'dash', dash: '5 3' },
];
