import * as d3 from 'd3';
import { useMemo } from 'react';
import type { NaoPoolPoint, NaoTrajectory, NaoTrajectoryStep } from '../../../engine/methods/nao/events';
import type { NaoRound } from './naoState';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import { ColorBar, fmt, scoreColor } from './parts';

/** What the inspector beside the chart shows for a hovered point or trajectory step. */
export interface Inspect {
  title: string;
  arch: string;
  lines: string[];
}

/** The plot keeps the 600 × 380 shape it was drawn for, within bounds, so a narrow panel gets a short chart rather than a tall sliver (text stays at the type scale). */
const heightFor = (w: number) => Math.round(Math.min(380, Math.max(200, w * 0.66)));
const M = { left: 48, right: 14, top: 14, bottom: 44 };

/**
 * The continuous space NAO searches, in 2-D: a PCA of the pool's embeddings e_x (refit each
 * round, computed in the engine), the predictor's landscape behind (f on a grid of the plane,
 * mapped back through the projection), the pool coloured by measured score, and each seed's path
 * as η grows, with a mark wherever the decoded cell changes. React owns the SVG; d3 gives scales.
 */
export function EmbeddingChart({ round, onInspect }: { round: NaoRound; onInspect: (i: Inspect | null) => void }) {
  const emb = round.embedding!;
  const gen = round.generation;
  const land = round.landscape;
  const [box, W] = useChartWidth(600);
  const H = heightFor(W);
  const geo = useMemo(() => {
    const xs = emb.points.map((p) => p.x);
    const ys = emb.points.map((p) => p.y);
    for (const t of gen?.trajectories ?? []) for (const s of t.steps) (xs.push(s.x), ys.push(s.y));
    const [ex0, ex1] = land ? [land.x0, land.x1] : (d3.extent(xs) as [number, number]);
    const [ey0, ey1] = land ? [land.y0, land.y1] : (d3.extent(ys) as [number, number]);
    const x = d3.scaleLinear().domain([ex0, ex1 > ex0 ? ex1 : ex0 + 1]).range([M.left, W - M.right]);
    const y = d3.scaleLinear().domain([ey0, ey1 > ey0 ? ey1 : ey0 + 1]).range([H - M.bottom, M.top]);
    const color = scoreColor(emb.points.map((p) => p.score));
    const cells: { x: number; y: number; w: number; h: number; fill: string; v: number }[] = [];
    if (land) {
      const dx = (land.x1 - land.x0) / land.nx;
      const dy = (land.y1 - land.y0) / land.ny;
      for (let j = 0; j < land.ny; j++) {
        for (let i = 0; i < land.nx; i++) {
          const v = land.values[j * land.nx + i];
          const px = x(land.x0 + i * dx);
          const py = y(land.y0 + (j + 1) * dy);
          cells.push({ x: px, y: py, w: x(land.x0 + (i + 1) * dx) - px + 0.5, h: y(land.y0 + j * dy) - py + 0.5, fill: color(v), v });
        }
      }
    }
    const line = d3.line<[number, number]>();
    const paths = (gen?.trajectories ?? []).map((t) => line([[x(t.x), y(t.y)], ...t.steps.map((s): [number, number] => [x(s.x), y(s.y)])]) ?? '');
    return { x, y, color, cells, paths };
  }, [emb, gen, land, W, H]);
  const { x, y, color } = geo;

  const inspectPoint = (p: NaoPoolPoint) =>
    onInspect({
      title: `#${p.candidateIndex} · ${p.iterationAdded === 0 ? 'initial random pool' : `found in round ${p.iterationAdded}`}${p.seed ? ' · seed this round' : ''}`,
      arch: p.arch,
      lines: [`measured ${fmt(p.score)} · predicted ${fmt(p.predicted)}`, p.reconstructed ? 'decodes back to itself' : 'does NOT decode back to itself', p.origin],
    });
  const inspectStep = (t: NaoTrajectory, s: NaoTrajectoryStep) =>
    onInspect({
      title: `η = ${s.eta} from seed #${t.seedCandidateIndex}`,
      arch: s.arch,
      lines: [
        `prediction at the moved point ${fmt(s.predicted)} (seed: measured ${fmt(t.seedScore)}, predicted ${fmt(t.seedPredicted)})`,
        s.reproducesSeed ? 'decodes to the seed itself' : s.changed ? 'the decode changed at this η' : 'same decode as the previous η',
        STATUS_TEXT[s.status],
      ],
    });

  return (
    <div>
    <ChartFrame boxRef={box} width={W} height={H} svgClass="nao-embedding" legend={EMBEDDING_LEGEND} role="img" aria-label={`Embedding space of round ${round.iteration}`} data-testid="nao-embedding" data-round={round.iteration} data-points={emb.points.length}>
      <g className="nao-landscape" opacity={0.5} data-testid="nao-landscape">
        {geo.cells.map((c, k) => (
          <rect key={k} x={c.x} y={c.y} width={c.w} height={c.h} fill={c.fill} />
        ))}
      </g>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={6} format={d3.format('.2f')} />
      <Axis scale={y} orient="left" at={M.left} ticks={6} format={d3.format('.2f')} />
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        PC1 ({fmt(100 * emb.explained[0], 0)}% of variance) · PC2 ({fmt(100 * emb.explained[1], 0)}%)
      </text>
      <g className="nao-trajectories">
        {(gen?.trajectories ?? []).map((t, k) => (
          <path key={t.seedArch} d={geo.paths[k]} className="nao-trajectory" data-testid="nao-trajectory" data-seed={t.seedArch} data-steps={t.steps.length} fill="none" stroke={C.ink} strokeWidth={1.3} strokeOpacity={0.75} />
        ))}
        {(gen?.trajectories ?? []).flatMap((t) =>
          t.steps
            .filter((s) => s.changed || s.status === 'accepted')
            .map((s) => (
              <circle
                key={`${t.seedArch}-${s.eta}`}
                cx={x(s.x)}
                cy={y(s.y)}
                r={s.status === 'accepted' ? 5 : 3.2}
                className={s.status === 'accepted' ? 'nao-step-accepted' : 'nao-step-changed'}
                fill={s.status === 'accepted' ? C.highlight : C.surface}
                stroke={s.status === 'accepted' ? C.surface : C.highlight}
                strokeWidth={1.4}
                onMouseEnter={() => inspectStep(t, s)}
                onMouseLeave={() => onInspect(null)}
              >
                <title>{`η=${s.eta}: ${s.arch} (${s.status})`}</title>
              </circle>
            )),
        )}
      </g>
      <g className="nao-points">
        {emb.points.map((p) =>
          p.iterationAdded === 0 ? (
            <circle key={p.arch} cx={x(p.x)} cy={y(p.y)} r={5} fill={color(p.score)} stroke={p.seed ? C.ink : C.surface} strokeWidth={p.seed ? 2 : 1} onMouseEnter={() => inspectPoint(p)} onMouseLeave={() => onInspect(null)} data-arch={p.arch}>
              <title>{`#${p.candidateIndex} ${p.arch}: ${fmt(p.score)}`}</title>
            </circle>
          ) : (
            <path
              key={p.arch}
              d={d3.symbol(d3.symbolDiamond, 70)() ?? ''}
              transform={`translate(${x(p.x)},${y(p.y)})`}
              fill={color(p.score)}
              stroke={p.seed ? C.ink : C.surface}
              strokeWidth={p.seed ? 2 : 1}
              onMouseEnter={() => inspectPoint(p)}
              onMouseLeave={() => onInspect(null)}
              data-arch={p.arch}
            >
              <title>{`#${p.candidateIndex} ${p.arch}: ${fmt(p.score)}`}</title>
            </path>
          ),
        )}
      </g>
    </ChartFrame>
    <svg className="nao-colorbar-box" width={190} height={30} aria-hidden="true">
      <ColorBar color={color} x={6} y={2} width={176} label="score" />
    </svg>
    </div>
  );
}

/** Beside the plot: the landscape fills it edge to edge. */
const EMBEDDING_LEGEND = [
  { label: 'initial pool', color: C.faint, mark: 'dot' as const },
  { label: 'found by NAO', color: C.faint, mark: 'diamond' as const },
  { label: 'seed', color: C.ink, mark: 'ring' as const },
  { label: 'decode changes', color: C.highlight, mark: 'ring' as const },
  { label: 'accepted', color: C.highlight, mark: 'dot' as const },
];

const STATUS_TEXT: Record<NaoTrajectoryStep['status'], string> = {
  accepted: 'new: accepted for evaluation',
  'in-pool': 'already in the pool: not new',
  repeat: 'already accepted from another seed or η',
  'over-quota': 'new, but the quota was already met',
};
