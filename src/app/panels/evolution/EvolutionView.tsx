import * as d3 from 'd3';
import { useMemo, useState } from 'react';
import type { RunEvent } from '../../../engine/core/events';
import { memoByRef } from '../../memo';
import { NB201_EDGES } from '../../../engine/spaces/nb201';
import { CellGraph } from '../../graphs/CellGraph';
import { Axis, C, ChartFrame, RevealLayer, TopLayer, useChartWidth } from '../../charts/kit';
import { OP_SHORT, opColor } from '../../graphs/ops';
import { foldEvolution, type EvolutionModel, type Member, mutationView } from './evolutionState';
import './evolution.css';

/**
 * Regularised evolution, live: every member's life as a line (born at its query, retired when the
 * P-th younger member arrives), each child's gain over its parent as a tick, and one tournament at
 * a time on the cell graph with the mutated edge highlighted. React owns the SVG; d3 computes the
 * scales and the path strings (retired members share one path, so long runs stay light).
 */
export interface EvolutionViewProps {
  /** The run's `method` events up to the moment shown (others are ignored). */
  events: readonly RunEvent[];
  /** The whole run's `method` events (MethodViewProps.whole); `events` when absent. */
  whole?: readonly RunEvent[];
}

const H = 270;
const M = { left: 48, right: 14, top: 16, bottom: 34 };
const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));

export function EvolutionView({ events, whole }: EvolutionViewProps) {
  const model = useMemo(() => foldOnce(events), [events]);
  const wholeModel = useMemo(() => (whole === undefined ? null : foldOnce(whole)), [whole]) ?? model;
  const [pinned, setPinned] = useState<number | null>(null);
  const cycles = model.mutations.length;
  const cycle = pinned !== null && pinned <= cycles ? pinned : cycles;

  if (!model.config) return <p className="muted">Waiting for the first evolution event…</p>;
  const { populationSize: P, sampleSize: S } = model.config;
  const filling = model.queries < Math.min(P, model.config.budget) && cycles === 0;
  return (
    <div className="evo" data-testid="evolution-view">
      <p className="evo-summary" data-testid="evolution-summary">
        Population <strong>P = {P}</strong>, tournament <strong>S = {S}</strong>. {filling ? `Filling the initial population with random cells: ${model.queries} of ${P}.` : `Cycle ${cycles}: ${model.queries} of ${model.config.budget} queries spent.`}{' '}
        {model.best && (
          <>
            Best so far: <strong>#{model.best.index}</strong> at {fmt(model.best.score)}.
          </>
        )}
      </p>
      <Lifelines model={model} whole={wholeModel} cycle={cycle} />
      {cycles > 0 && (
        <label className="evo-cycle">
          <span>Tournament shown: cycle {cycle} of {cycles}</span>
          <input type="range" min={1} max={cycles} value={cycle} onChange={(e) => setPinned(Number(e.target.value) === cycles ? null : Number(e.target.value))} data-testid="evolution-cycle" />
          {pinned !== null && (
            <button type="button" onClick={() => setPinned(null)}>
              follow the latest
            </button>
          )}
        </label>
      )}
      <MutationPanel model={model} cycle={cycle} />
      <PopulationList model={model} cycle={cycle} />
    </div>
  );
}

function Lifelines({ model, whole, cycle }: { model: EvolutionModel; whole: EvolutionModel; cycle: number }) {
  // The whole run's members are drawn once and revealed up to the moment's query, so a timeline
  // move redraws only the alive lines and the tournament. The whole run is the base only when the
  // moment's members are its first ones (a live run's whole log can trail the moment shown).
  const base = holdsPrefix(whole, model) ? whole : model;
  const budget = Math.max(base.config!.budget, base.queries, 2);
  const shown = mutationView(model, cycle);
  const [box, W] = useChartWidth(640, 'evolution-lifelines');
  const geometry = lifelineGeometry(base, budget, W);
  const { x, y } = geometry;
  const end = (m: Member) => x(m.retiredAt ?? model.queries);
  const alive = model.population.map((i) => model.byIndex.get(i)).filter((m): m is Member => !!m && Number.isFinite(m.score));
  const at = shown?.child ? shown.child.index : model.queries;
  // Births are marked in chunks of CHUNK members: the chunks wholly before the moment come from the
  // whole run's geometry (unchanged while the timeline moves within a chunk); the moment's
  // unfinished chunk is drawn from its own members. Round dots are wider than a query, so cutting
  // them at the moment's x would show slivers of the next members'.
  const done = Math.floor(model.queries / CHUNK);
  const recent = birthMarks(model, done * CHUNK, model.queries, x, y);
  const layers = (
    <>
      {/* Lines end at their x, but the best line's rise at the next member is 2 px wide: cut 1 px short. */}
      <RevealLayer width={W} height={H} revealTo={base === model ? null : x(model.queries) - 1}>
        <path d={geometry.retired} stroke={C.faint} strokeOpacity={0.8} strokeWidth={1.2} fill="none" />
        <path d={geometry.bestPath} stroke={C.best} strokeWidth={2} strokeDasharray="4 3" fill="none" />
      </RevealLayer>
      <RevealLayer width={W} height={H} revealTo={null}>
        {geometry.chunks.slice(0, done).map((c, k) => (
          <BirthMarks key={k} marks={c} />
        ))}
      </RevealLayer>
      <TopLayer width={W} height={H}>
        {alive.map((m) => (
          <line key={m.index} x1={x(m.index)} x2={end(m)} y1={y(m.score)} y2={y(m.score)} stroke={C.primary} strokeWidth={2.5}>
            <title>{`#${m.index}: ${fmt(m.score)} (alive)`}</title>
          </line>
        ))}
        <BirthMarks marks={recent} />
        {shown &&
          shown.sampleMembers.map(
            (m, k) =>
              m && (
                <circle key={`s${k}`} cx={x(at)} cy={y(m.score)} r={m.index === shown.mutation.parentIndex ? 7 : 5} fill="none" stroke={m.index === shown.mutation.parentIndex ? C.highlight : C.muted} strokeWidth={m.index === shown.mutation.parentIndex ? 2.5 : 1.2}>
                  <title>{`in the tournament: #${m.index} (${fmt(m.score)})${m.index === shown.mutation.parentIndex ? ' — the winner, mutated' : ''}`}</title>
                </circle>
              ),
          )}
        {shown?.child && <circle cx={x(shown.child.index)} cy={y(shown.child.score)} r={6} fill={C.highlight} stroke={C.surface} strokeWidth={1.5} />}
      </TopLayer>
    </>
  );
  return (
    <ChartFrame boxRef={box} width={W} height={H} legend={LEGEND} layers={layers} className="evo-lifelines" role="img" aria-label="Population over time: each member's score from birth to retirement" data-testid="evolution-lifelines" data-members={model.queries}>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
      <Axis scale={y} orient="left" at={M.left} ticks={5} />
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        query # (birth) · a line lives until the member is the oldest of P and retires
      </text>
    </ChartFrame>
  );
}

/**
 * The whole run's lines and its complete chunks of births, kept per model and width outside React:
 * a view that mounts again (after the timeline passed the run's first event) or a deferred render
 * that an input interrupted and restarts finds them built, instead of rebuilding 3,000 members'
 * paths on every attempt (which kept the view from catching up during a drag).
 */
const geometries = new WeakMap<EvolutionModel, { budget: number; W: number; g: LifelineGeometry }>();
type LifelineGeometry = ReturnType<typeof buildLifelineGeometry>;

function lifelineGeometry(base: EvolutionModel, budget: number, W: number): LifelineGeometry {
  const hit = geometries.get(base);
  if (hit && hit.budget === budget && hit.W === W) return hit.g;
  const g = buildLifelineGeometry(base, budget, W);
  geometries.set(base, { budget, W, g });
  return g;
}

function buildLifelineGeometry(base: EvolutionModel, budget: number, W: number) {
  const x = d3.scaleLinear().domain([0, budget]).range([M.left, W - M.right]);
  const finite = base.members.filter((m) => Number.isFinite(m.score));
  const [lo, hi] = finite.length ? (d3.extent(finite, (m) => m.score) as [number, number]) : [0, 100];
  const pad = Math.max((hi - lo) * 0.08, 0.5);
  const y = d3.scaleLinear().domain([lo - pad, hi + pad]).range([H - M.bottom, M.top]).nice();
  let retired = '';
  for (const m of finite) {
    // A line to its retirement, or to the run's last query: the reveal cuts it at the moment.
    retired += `M${x(m.index).toFixed(1)},${y(m.score).toFixed(1)}H${x(m.retiredAt ?? base.queries).toFixed(1)}`;
  }
  // The best so far changes only at improvements: those corners are the whole step line.
  const best: [number, number][] = [];
  let b = -Infinity;
  for (const m of base.members) {
    if (m.score > b) {
      b = m.score;
      best.push([m.index, b]);
    }
  }
  const bestPath = best.length ? `${d3.line().curve(d3.curveStepAfter)(best.map(([i, v]) => [x(i), y(v)]))}H${x(base.queries)}` : '';
  const chunks: Marks[] = [];
  for (let k = 0; k + CHUNK <= base.members.length; k += CHUNK) chunks.push(birthMarks(base, k, k + CHUNK, x, y));
  return { x, y, retired, bestPath, chunks };
}

/** One fold per log array: following a run, `events` and `whole` are the same array. */
const foldOnce = memoByRef((events: readonly RunEvent[]) => foldEvolution(events));

const CHUNK = 64;

interface Marks {
  up: string;
  down: string;
  dots: string;
}

/** Members `from`…`to` − 1 (in birth order): a dot at each birth, and a tick from its parent's score to its own. */
function birthMarks(model: EvolutionModel, from: number, to: number, x: d3.ScaleLinear<number, number>, y: d3.ScaleLinear<number, number>): Marks {
  let up = '';
  let down = '';
  let dots = '';
  for (let k = from; k < to; k++) {
    const m = model.members[k];
    if (!Number.isFinite(m.score)) continue;
    dots += `M${x(m.index).toFixed(1)},${y(m.score).toFixed(1)}h0`;
    const parent = m.parentIndex === null ? undefined : model.byIndex.get(m.parentIndex);
    if (parent && Number.isFinite(parent.score)) {
      const seg = `M${x(m.index).toFixed(1)},${y(parent.score).toFixed(1)}V${y(m.score).toFixed(1)}`;
      if (m.score >= parent.score) up += seg;
      else down += seg;
    }
  }
  return { up, down, dots };
}

function BirthMarks({ marks }: { marks: Marks }) {
  return (
    <>
      {marks.up && <path d={marks.up} stroke={C.good} strokeWidth={1.5} fill="none" />}
      {marks.down && <path d={marks.down} stroke={C.bad} strokeWidth={1.5} fill="none" />}
      {marks.dots && <path d={marks.dots} stroke={C.ink} strokeWidth={4.5} strokeLinecap="round" fill="none" />}
    </>
  );
}

/** Whether `whole` begins with `prefix`'s members: the same run, at or past the moment shown. */
function holdsPrefix(whole: EvolutionModel, prefix: EvolutionModel): boolean {
  if (!whole.config || whole.queries < prefix.queries) return false;
  const k = prefix.queries - 1;
  return k < 0 || (whole.members[k].index === prefix.members[k].index && whole.members[k].arch === prefix.members[k].arch);
}

/** Beside the plot, not over it: the lines run the chart's whole height. */
const LEGEND = [
  { label: 'alive', color: C.primary, mark: 'line' as const },
  { label: 'retired', color: C.faint, mark: 'line' as const },
  { label: 'child ≥ parent', color: C.good, mark: 'rule' as const },
  { label: 'child < parent', color: C.bad, mark: 'rule' as const },
  { label: 'best so far', color: C.best, mark: 'dash' as const },
  { label: 'tournament winner and its child', color: C.highlight, mark: 'ring' as const },
];

function MutationPanel({ model, cycle }: { model: EvolutionModel; cycle: number }) {
  const v = mutationView(model, cycle);
  if (!v) return <p className="muted">The first tournament starts once the population holds P members.</p>;
  const { mutation: m, parent, child, removed } = v;
  const gain = child && parent ? child.score - parent.score : undefined;
  return (
    // The mutated edge is highlighted by evolution.css from data-edge (no inline <style>: the page's CSP forbids it).
    <div className="evo-mutation" data-testid="evolution-mutation" data-edge={m.edge} data-parent={m.parentIndex} data-child={child?.index ?? ''}>
      <p>
        <strong>Cycle {m.cycle}.</strong> Tournament of {m.sample.length} drawn from the population (with replacement):{' '}
        {v.sampleMembers.map((s, k) => (
          <span key={k} className={s?.index === m.parentIndex ? 'evo-winner' : undefined}>
            #{m.sample[k]} ({fmt(s?.score)}){k < m.sample.length - 1 ? ', ' : ''}
          </span>
        ))}
        . The fittest, <strong>#{m.parentIndex}</strong>, is copied and one edge mutated: edge {m.from}→{m.to}{' '}
        <span className="op-name" style={{ borderBottomColor: opColor(m.fromOp) }}>{OP_SHORT[m.fromOp]}</span> → <span className="op-name" style={{ borderBottomColor: opColor(m.toOp) }}>{OP_SHORT[m.toOp]}</span>.{' '}
        {child ? (
          <>
            Child <strong>#{child.index}</strong> scores {fmt(child.score)} ({gain! >= 0 ? '+' : ''}
            {fmt(gain)} vs its parent).{removed && <> The oldest member, #{removed.index} ({fmt(removed.score)}), retires — whatever its score.</>}
          </>
        ) : (
          <em>Evaluating the child…</em>
        )}
      </p>
      <div className="evo-cells">
        <CellGraph arch={m.parentArch} testId="evolution-parent-cell" title={`parent #${m.parentIndex}: ${m.parentArch}`} />
        <span className="evo-arrow" aria-hidden>
          →
        </span>
        <CellGraph arch={m.childArch} testId="evolution-child-cell" title={`child${child ? ` #${child.index}` : ''}: ${m.childArch}, edge ${NB201_EDGES[m.edge].join('→')} mutated`} />
      </div>
    </div>
  );
}

function PopulationList({ model, cycle }: { model: EvolutionModel; cycle: number }) {
  const v = mutationView(model, cycle);
  const inSample = new Set(v?.mutation.sample ?? []);
  const latest = cycle === model.mutations.length;
  return (
    <div className="evo-population">
      <h3>Population now (oldest first)</h3>
      <ol data-testid="evolution-population">
        {model.population.map((i, k) => {
          const m = model.byIndex.get(i);
          return (
            <li key={i} className={[k === 0 ? 'evo-oldest' : '', latest && inSample.has(i) ? 'evo-in-sample' : '', latest && v?.mutation.parentIndex === i ? 'evo-parent' : ''].join(' ').trim() || undefined}>
              #{i} · {fmt(m?.score)} · age {model.queries - i}
              {k === 0 && model.population.length >= (model.config?.populationSize ?? Infinity) && <span className="evo-tag"> retires next</span>}
              {latest && v?.mutation.parentIndex === i && <span className="evo-tag"> last parent</span>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
