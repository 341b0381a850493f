import * as d3 from 'd3';
import { useMemo } from 'react';
import type { NaoModel, NaoRound } from './naoState';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import { fmt, holdoutTauText } from './parts';

const H = 280;
const M = { left: 50, right: 12, top: 14, bottom: 40 };

/**
 * How good the predictor is, per round: on the cells it trained on (fit) and on the cells it
 * had never seen — the new cells of its own round, predicted before they were evaluated
 * (hold-out). The hold-out numbers are the honest ones; a predictor can fit its pool and still
 * rank new cells no better than chance.
 */
export function PredictorPanel({ model, round }: { model: NaoModel; round: NaoRound | undefined }) {
  const rounds = model.rounds.filter((r) => r.iteration > 0 && r.embedding);
  return (
    <div className="nao-predictor" data-testid="nao-predictor">
      <div className="nao-predictor-charts">
        {round?.embedding && <FitScatter round={round} />}
        <LossChart model={model} />
      </div>
      <table className="nao-table" data-testid="nao-predictor-table">
        <thead>
          <tr>
            <th>round</th>
            <th title="cells (and augmented sequences) the predictor trained on">trained on</th>
            <th title="Kendall τ of predicted vs measured on the training pool">fit τ</th>
            <th title="share of pairs ordered correctly, training pool">fit pairs</th>
            <th title="tokens / whole cells decoded back from their own embedding">reconstruction</th>
            <th title="new cells of this round, predicted before evaluation">hold-out n</th>
            <th title="Kendall τ on the new cells — the predictor never trained on them — with its bootstrap 95 % interval over those cells">hold-out τ [95 %]</th>
            <th title="share of pairs of new cells ordered correctly">hold-out pairs</th>
          </tr>
        </thead>
        <tbody>
          {rounds.map((r) => (
            <tr key={r.iteration} className={r === round ? 'nao-current' : undefined} data-round={r.iteration}>
              <td>{r.iteration}</td>
              <td>
                {r.embedding!.points.length} ({r.embedding!.trainingCells})
              </td>
              <td>{fmt(r.embedding!.fit.tau)}</td>
              <td>{fmt(r.embedding!.fit.pairwise)}</td>
              <td>
                {fmt(100 * r.embedding!.fit.reconstructionTokens, 0)}% / {fmt(100 * r.embedding!.fit.reconstructionCells, 0)}%
              </td>
              <td>{r.holdout ? r.holdout.points.length : '…'}</td>
              <td>{r.holdout ? holdoutTauText(r.holdout) : '…'}</td>
              <td>{r.holdout ? fmt(r.holdout.pairwise) : '…'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FitScatter({ round }: { round: NaoRound }) {
  const emb = round.embedding!;
  const hold = round.holdout?.points ?? [];
  const [box, W] = useChartWidth(340);
  const geo = useMemo(() => {
    const all = [...emb.points.flatMap((p) => [p.predicted, p.score]), ...hold.flatMap((p) => [p.predicted, p.measured])].filter(Number.isFinite);
    const sorted = [...all].sort((a, b) => a - b);
    // As in the colour scale: the floor is a low quantile, so a few broken cells do not flatten the rest.
    const lo = d3.quantileSorted(sorted, 0.05) ?? 0;
    const hi = sorted[sorted.length - 1] ?? 1;
    const pad = Math.max((hi - lo) * 0.05, 0.2);
    const x = d3.scaleLinear().domain([lo - pad, hi + pad]).range([M.left, W - M.right]).clamp(true);
    const y = d3.scaleLinear().domain([lo - pad, hi + pad]).range([H - M.bottom, M.top]).clamp(true);
    return { x, y };
  }, [emb, hold, W]);
  const { x, y } = geo;
  const [d0, d1] = x.domain();
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="nao-scatter" legend={SCATTER_LEGEND} role="img" aria-label="Predicted vs measured score" data-testid="nao-scatter">
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={5} />
      <Axis scale={y} orient="left" at={M.left} ticks={5} />
      <line x1={x(d0)} y1={y(d0)} x2={x(d1)} y2={y(d1)} stroke={C.faint} strokeDasharray="4 3" />
      <text className="axis-title" x={W - M.right} y={H - 6} textAnchor="end">
        predicted → (round {round.iteration})
      </text>
      <text className="axis-title" x={M.left + 4} y={M.top + 8}>
        ↑ measured
      </text>
      {emb.points.map((p) => (
        <circle key={p.arch} cx={x(p.predicted)} cy={y(p.score)} r={2.8} fill={C.faint}>
          <title>{`trained on: #${p.candidateIndex} predicted ${fmt(p.predicted)}, measured ${fmt(p.score)}`}</title>
        </circle>
      ))}
      {hold.map((p) => (
        <circle key={p.arch} cx={x(p.predicted)} cy={y(p.measured)} r={4.5} fill={C.highlight} stroke={C.surface}>
          <title>{`new #${p.candidateIndex}: predicted ${fmt(p.predicted)}, measured ${fmt(p.measured)}`}</title>
        </circle>
      ))}
    </ChartFrame>
  );
}

function LossChart({ model }: { model: NaoModel }) {
  const [box, W] = useChartWidth(340);
  const geo = useMemo(() => {
    const rows: { t: number; loss: number; mse: number; nll: number; round: number }[] = [];
    const bounds: number[] = [];
    let t = 0;
    for (const r of model.rounds) {
      if (r.losses.length === 0) continue;
      bounds.push(t);
      for (const l of r.losses) rows.push({ t: t++, loss: l.loss, mse: l.mse, nll: l.nll, round: r.iteration });
    }
    const x = d3.scaleLinear().domain([0, Math.max(t, 2)]).range([M.left, W - M.right]);
    const vals = rows.flatMap((r) => [r.mse, r.nll]).filter((v) => v > 0);
    const y = d3
      .scaleLog()
      .domain([Math.max(d3.min(vals) ?? 1e-4, 1e-5), Math.max(d3.max(vals) ?? 1, 1e-3)])
      .range([H - M.bottom, M.top])
      .clamp(true);
    const path = (k: 'mse' | 'nll') =>
      d3
        .line<(typeof rows)[number]>()
        .defined((r) => r[k] > 0)
        .x((r) => x(r.t))
        .y((r) => y(r[k]))(rows) ?? '';
    const [d0, d1] = y.domain();
    const decades = d3.range(Math.ceil(Math.log10(d0)), Math.floor(Math.log10(d1)) + 1).map((k) => 10 ** k);
    return { x, y, mse: path('mse'), nll: path('nll'), bounds, decades };
  }, [model, W]);
  return (
    <ChartFrame boxRef={box} width={W} height={H} svgClass="nao-loss" legend={LOSS_LEGEND} role="img" aria-label="Encoder–predictor–decoder losses" data-testid="nao-loss">
      <Axis scale={geo.x} orient="bottom" at={H - M.bottom} ticks={5} format={d3.format('d')} />
      <Axis scale={geo.y} orient="left" at={M.left} values={geo.decades} format={d3.format('.0e')} />
      {geo.bounds.map((b) => (
        <line key={b} x1={geo.x(b)} x2={geo.x(b)} y1={M.top} y2={H - M.bottom} stroke={C.grid} />
      ))}
      <path d={geo.nll} fill="none" stroke={C.primary} strokeWidth={1.5} />
      <path d={geo.mse} fill="none" stroke={C.highlight} strokeWidth={1.5} strokeDasharray="6 3" />
      <text className="axis-title" x={W - M.right} y={H - 6} textAnchor="end">
        epoch · a grey line starts a round
      </text>
    </ChartFrame>
  );
}

const SCATTER_LEGEND = [
  { label: 'trained on (fit)', color: C.faint, mark: 'dot' as const },
  { label: 'new cells (hold-out)', color: C.highlight, mark: 'dot' as const },
];
const LOSS_LEGEND = [
  { label: 'reconstruction NLL', color: C.primary, mark: 'line' as const },
  { label: 'prediction MSE (log scale)', color: C.highlight, mark: 'dash' as const, dash: '6 3' },
];
