import * as d3 from 'd3';
import { useEffect, useMemo, useState } from 'react';
import type { BudgetMetric } from '../../../engine/methods/dna/events';
import { allCombinations, maximumCost, minimumCost, paretoFrontier, type SearchProblem, solveBoth, type TraversalResult } from '../../../engine/methods/dna/search';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import type { DnaModel } from './dnaState';

const H = 280;
const M = { left: 52, right: 16, top: 14, bottom: 36 };
const UNIT: Record<BudgetMetric, string> = { params: 'parameters', flops: 'FLOPs' };
const fmtInt = d3.format(',');
const BUDGET_LEGEND = [
  { label: 'within the budget', color: C.primary, mark: 'dot' as const },
  { label: 'over it', color: C.faint, mark: 'dot' as const },
  { label: 'cost–score frontier', color: C.ink, mark: 'line' as const },
  { label: 'budget', color: C.bad, mark: 'dash' as const },
  { label: 'exact answer', color: C.best, mark: 'dot' as const },
  { label: 'traversal’s answer', color: C.highlight, mark: 'ring' as const },
];

/** The knapsack on the emitted scores, for a metric and a limit (the page re-solves it itself). */
function problemOf(model: DnaModel, metric: BudgetMetric, limit: number): SearchProblem {
  return {
    blocks: model.setup!.stages.map((_, b) => model.scores[b]!.candidates.map((c) => ({ key: c.key, score: c.score, cost: c.cost[metric] }))),
    fixedCost: model.setup!.fixedCost[metric],
    limit,
  };
}

const archOf = (model: DnaModel, choice: number[]) => choice.map((i, b) => model.scores[b]!.candidates[i].key);

/**
 * DNA's budgeted search, live: every architecture as a point (cost vs summed block score), the
 * cost–score frontier, the budget line and the chosen architecture — from the exact dynamic
 * programme and from DNA's pruned traversal, with the branches the traversal visited and cut.
 * The slider re-solves both at once on the rated scores, without the worker.
 */
export function BudgetSearch({ model, onChoice }: { model: DnaModel; onChoice?: (arch: string[] | null) => void }) {
  const setup = model.setup!;
  const [metric, setMetric] = useState<BudgetMetric>(setup.metric);
  const base = useMemo(() => problemOf(model, metric, 0), [model, metric]);
  const range = useMemo(() => ({ min: minimumCost(base), max: maximumCost(base) }), [base]);
  const runLimit = metric === setup.metric ? (model.search?.limit ?? setup.limit) : Math.round((range.min + range.max) / 2);
  const [picked, setPicked] = useState<{ metric: BudgetMetric; limit: number } | null>(null);
  const limit = picked && picked.metric === metric ? picked.limit : runLimit;
  const all = useMemo(() => allCombinations(base), [base]);
  const front = useMemo(() => paretoFrontier(base), [base]);
  const solved = useMemo(() => solveBoth({ ...base, limit }, UNIT[metric]), [base, limit, metric]);
  const exact = solved.exact.ok ? solved.exact.answer : null;
  const trav = solved.traversal.outcome.ok ? solved.traversal.outcome.answer : null;
  const chosenArch = exact ? archOf(model, exact.choice) : null;
  // Tell the parent which architecture the slider's budget picks (the bars highlight it).
  const key = chosenArch?.join('|') ?? '';
  useEffect(() => onChoice?.(key ? key.split('|') : null), [key, onChoice]);

  const [box, W] = useChartWidth(640);
  const geo = useMemo(() => {
    const lo = range.min - 0.05 * (range.max - range.min);
    const x = d3.scaleLinear().domain([lo, range.max]).range([M.left, W - M.right]).nice();
    const scores = all ? Array.from(all.score) : front.map((f) => f.score);
    const [s0, s1] = d3.extent(scores) as [number, number];
    const y = d3.scaleLinear().domain([s0 - 0.02 * (s1 - s0), s1 + 0.02 * (s1 - s0)]).range([H - M.bottom, M.top]).nice();
    return { x, y };
  }, [range, all, front, W]);
  const { x, y } = geo;
  const dots = useMemo(() => {
    let inside = '';
    let outside = '';
    if (all) {
      for (let i = 0; i < all.cost.length; i++) {
        const d = `M${x(all.cost[i]).toFixed(1)},${y(all.score[i]).toFixed(1)}h0`;
        if (all.cost[i] <= limit) inside += d;
        else outside += d;
      }
    }
    return { inside, outside };
  }, [all, x, y, limit]);
  const frontPath = d3.line().curve(d3.curveStepAfter)(front.map((f) => [x(f.cost), y(f.score)])) ?? '';
  const points = all?.cost.length ?? front.length;
  const sliderMin = Math.floor(range.min * 0.97);
  const step = Math.max(1, Math.round((range.max - sliderMin) / 400));

  return (
    <div className="dna-budget" data-testid="dna-budget-search" data-points={points} data-limit={limit} data-metric={metric} data-agree={solved.agree} data-feasible={!!exact}>
      <div className="dna-budget-controls">
        <label className="dna-slider">
          <span>
            Budget: <strong>{fmtInt(limit)}</strong> {UNIT[metric]}
            {limit === runLimit && metric === setup.metric ? ' (the run’s)' : ''}
          </span>
          <input type="range" min={sliderMin} max={range.max} step={step} value={limit} onChange={(e) => setPicked({ metric, limit: Number(e.target.value) })} data-testid="dna-budget-slider" aria-label={`budget in ${UNIT[metric]}`} />
        </label>
        <div className="dna-tabs" role="radiogroup" aria-label="Budget metric">
          {(['params', 'flops'] as const).map((m) => (
            <button key={m} type="button" role="radio" aria-checked={m === metric} className={m === metric ? 'active' : ''} onClick={() => setMetric(m)}>
              {UNIT[m]}
            </button>
          ))}
        </div>
      </div>
      <ChartFrame boxRef={box} width={W} height={H} svgClass="dna-chart" legend={BUDGET_LEGEND} role="img" aria-label="Every architecture: cost against summed block score, with the budget and the chosen one">
        <rect x={x(limit)} y={M.top} width={Math.max(0, W - M.right - x(limit))} height={H - M.bottom - M.top} className="dna-over-budget" />
        <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={6} format={d3.format('~s')} />
        <Axis scale={y} orient="left" at={M.left} ticks={5} />
        <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
          {UNIT[metric]} of the whole network
        </text>
        <text className="axis-title" x={M.left + 4} y={M.top + 2}>
          summed block score (lower is better)
        </text>
        <path d={dots.outside} stroke={C.faint} strokeWidth={3} strokeLinecap="round" fill="none" />
        <path d={dots.inside} stroke={C.primary} strokeWidth={3} strokeLinecap="round" fill="none" />
        <path d={frontPath} stroke={C.ink} strokeWidth={1.2} fill="none" />
        <line x1={x(limit)} x2={x(limit)} y1={M.top} y2={H - M.bottom} stroke={C.bad} strokeDasharray="5 3" strokeWidth={2} />
        {trav && <circle cx={x(trav.cost)} cy={y(trav.score)} r={9} fill="none" stroke={C.highlight} strokeWidth={2.5} />}
        {exact && <circle cx={x(exact.cost)} cy={y(exact.score)} r={5} fill={C.best} stroke={C.surface} strokeWidth={1.5} />}
      </ChartFrame>
      <div className="dna-budget-answers" aria-live="polite">
        {!exact && <p className="dna-infeasible" role="alert">{solved.exact.ok ? '' : solved.exact.message}</p>}
        {exact && (
          <p>
            <span className="dna-key dna-key-exact" /> Exact (dynamic programme): <code className="arch">{chosenArch!.join('|')}</code>, score {exact.score.toFixed(4)}, {fmtInt(exact.cost)} {UNIT[metric]}.
            <br />
            <span className="dna-key dna-key-trav" /> DNA’s traversal: {trav ? <code className="arch">{archOf(model, trav.choice).join('|')}</code> : 'nothing'}
            {trav ? `, score ${trav.score.toFixed(4)}` : ''} —{' '}
            <strong className={solved.agree ? 'dna-agree' : 'dna-disagree'}>{solved.agree ? 'they agree' : `it misses the optimum by ${solved.gap.toFixed(4)}`}</strong>. It evaluated {solved.traversal.leavesVisited} of {fmtInt(solved.traversal.leaves)}{' '}
            architectures and cut {solved.traversal.prunedByCost} branches by cost.
          </p>
        )}
      </div>
      {model.setup!.stages.length >= 2 && <TraversalGrid t={solved.traversal} />}
    </div>
  );
}

const STATUS_FILL: Record<string, string> = { expanded: 'var(--accent-tint)', 'pruned-cost': 'var(--err-bg)', unreached: 'var(--panel-2)' };

/**
 * The traversal's first two levels: row = block 1's candidate by rank, column = block 2's. A cell
 * is a subtree: blue when entered (darker the more leaves it evaluated), red when cut because its
 * cost left too little for the cheapest remaining paths, grey when the order rule never reached it.
 */
function TraversalGrid({ t }: { t: TraversalResult }) {
  const n0 = t.sorted[0].length;
  const n1 = t.sorted[1].length;
  const cell = Math.max(6, Math.min(16, Math.floor(300 / Math.max(n0, n1))));
  const status = new Map<string, string>();
  const leaves = new Map<string, number>();
  let best = '';
  const deep = t.sorted.length > 2;
  for (const v of t.visits) {
    if (v.path.length === 1 && v.status === 'pruned-cost') for (let j = 0; j < n1; j++) status.set(`${v.path[0]},${j}`, 'pruned-cost');
    if (v.path.length === 2) status.set(`${v.path[0]},${v.path[1]}`, deep ? v.status : v.status === 'pruned-cost' ? 'pruned-cost' : 'expanded');
    if (v.path.length >= 2 && deep && (v.status === 'best' || v.status === 'feasible')) leaves.set(`${v.path[0]},${v.path[1]}`, (leaves.get(`${v.path[0]},${v.path[1]}`) ?? 0) + 1);
    if (v.status === 'best') best = `${v.path[0]},${v.path[1]}`;
  }
  const maxLeaves = Math.max(1, ...leaves.values());
  const left = 30;
  const top = 16;
  return (
    <figure className="dna-figure">
      <svg width={left + n1 * cell + 230} height={Math.max(top + n0 * cell + 6, top + 80)} className="dna-grid" role="img" aria-label="Traversal: visited and pruned branches" data-testid="dna-traversal">
        <text x={left} y={10} className="dna-small">
          block 2 candidates by rank →
        </text>
        <text transform={`translate(10,${top + (n0 * cell) / 2}) rotate(-90)`} textAnchor="middle" className="dna-small">
          block 1 by rank
        </text>
        {Array.from({ length: n0 }, (_, i) =>
          Array.from({ length: n1 }, (_, j) => {
            const k = `${i},${j}`;
            const s = status.get(k) ?? 'unreached';
            const l = leaves.get(k) ?? 0;
            const fill = s === 'pruned-cost' ? STATUS_FILL['pruned-cost'] : s === 'unreached' ? STATUS_FILL.unreached : deep ? d3.interpolateBlues(0.15 + 0.7 * (l / maxLeaves)) : STATUS_FILL.expanded;
            return (
              <rect key={k} x={left + j * cell} y={top + i * cell} width={cell - 1} height={cell - 1} fill={fill} stroke={k === best ? C.best : 'none'} strokeWidth={2}>
                <title>{`block 1 #${i + 1}, block 2 #${j + 1}: ${s === 'unreached' ? 'not reached (order rule)' : s === 'pruned-cost' ? 'cut: over the budget' : `entered${deep ? `, ${l} leaf/leaves evaluated` : ''}`}`}</title>
              </rect>
            );
          }),
        )}
        <g transform={`translate(${left + n1 * cell + 12},${top})`} className="dna-small">
          <rect width={10} height={10} fill={d3.interpolateBlues(0.6)} />
          <text x={14} y={9}>
            entered (darker: more leaves)
          </text>
          <rect y={20} width={10} height={10} fill={STATUS_FILL['pruned-cost']} />
          <text x={14} y={29}>
            cut by cost
          </text>
          <rect y={40} width={10} height={10} fill={STATUS_FILL.unreached} stroke={C.grid} />
          <text x={14} y={49}>
            never reached
          </text>
          <rect y={60} width={10} height={10} fill="none" stroke={C.best} strokeWidth={2} />
          <text x={14} y={69}>
            traversal’s answer
          </text>
        </g>
      </svg>
    </figure>
  );
}
