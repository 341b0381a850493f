import { formatInt } from '../../format';
import * as d3 from 'd3';
import type { BlockScoresData } from '../../../engine/methods/dna/events';
import { Axis, C, useChartWidth } from '../../charts/kit';
import { blockColor, type DnaModel } from './dnaState';

const M = { left: 130, right: 14, top: 20, bottom: 28 };

/** "mb6_k5" → "e6·5×5"; a path's ops joined by "/" — short enough to sit under a bar. */
export const opShort = (op: string) => (op === 'skip' ? 'skip' : op.replace(/^mb(\d)_k(\d)$/, 'e$1·$2×$2'));

/**
 * Every candidate path of every block, rated: bars sorted by score (mean |ŷ − y| / std(y) on
 * held-out images, lower is better), the chosen path filled, tooltips with MSE and cost.
 */
export function CandidateScores({ model, chosen }: { model: DnaModel; chosen: string[] | null }) {
  const blocks = model.setup?.stages ?? [];
  const count = model.scores.reduce((n, s) => n + (s?.candidates.length ?? 0), 0);
  return (
    <div className="dna-scores" data-testid="dna-candidate-scores" data-count={count}>
      {blocks.map((_, b) => {
        const s = model.scores[b];
        return s ? <BlockBars key={b} data={s} chosen={chosen?.[b] ?? null} /> : <p key={b} className="muted dna-scores-wait">Block {b + 1}: rated after its training.</p>;
      })}
    </div>
  );
}

function BlockBars({ data, chosen }: { data: BlockScoresData; chosen: string | null }) {
  const sorted = [...data.candidates].sort((a, b) => a.score - b.score);
  const [box, W] = useChartWidth(260);
  const row = 17;
  const H = M.top + sorted.length * row + M.bottom;
  const y = d3
    .scaleBand<string>()
    .domain(sorted.map((c) => c.key))
    .range([M.top, H - M.bottom])
    .padding(0.18);
  const hi = d3.max(sorted, (c) => c.score) ?? 1;
  const x = d3.scaleLinear().domain([0, hi * 1.05]).range([M.left, W - M.right]).nice();
  const color = blockColor(data.block);
  return (
    <figure className="dna-figure dna-block-bars">
      <div ref={box} className="chart-box">
      <svg width={W} height={H} className="chart" role="img" aria-label={`Block ${data.block + 1}: every path's score, sorted`}>
        <text x={M.left} y={14} className="chart-title">
          block {data.block + 1}
        </text>
        <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={4} />
        {sorted.map((c, rank) => {
          const isChosen = c.key === chosen;
          const top = y(c.key) ?? 0;
          return (
            <g key={c.key}>
              <text x={M.left - 4} y={top + y.bandwidth() - 1} textAnchor="end" className="dna-tick">
                {c.ops.map(opShort).join(' / ')}
              </text>
              <rect x={x(0)} y={top} width={x(c.score) - x(0)} height={y.bandwidth()} fill={isChosen ? color : C.surface} stroke={color} strokeWidth={isChosen ? 2 : 1} data-chosen={isChosen || undefined}>
                <title>{`#${rank + 1} ${c.key}\nscore ${c.score.toFixed(4)} (mean |ŷ−y| / std y)\nMSE ${c.mse.toFixed(4)}, MSE/var ${c.mseOverVar.toFixed(4)}\n${formatInt(c.cost.params)} params, ${formatInt(c.cost.flops)} FLOPs`}</title>
              </rect>
            </g>
          );
        })}
      </svg>
      </div>
      <figcaption className="hint">
        {data.candidates.length} paths, scored on {data.heldOut} held-out images
      </figcaption>
    </figure>
  );
}
