import * as d3 from 'd3';
import { useMemo, useState } from 'react';
import type { MethodId } from '../../engine/core/config';
import { type RepeatMethodSummary, summarizeRepeats } from '../../engine/core/repeats';
import { formatMeanStd, formatPaired, type PairedDifference } from '../../engine/core/stats';
import { MethodChecks, nb201Methods } from './MethodChecks';
import { NB201_OPS } from '../../engine/spaces/nb201';
import { methodColor } from '../palette';
import { useRepeats } from '../repeats';
import { useSettings } from '../settings';
import { useRunStore } from '../store';
import { C, useChartWidth } from '../charts/kit';
import { startRepeat, stopRepeat } from '../workerClient';

/** Seeds a repeat may run: enough for a spread, few enough to stay seconds on a table. */
export const REPEAT_SEEDS = { min: 1, max: 50, default: 10 } as const;
const BASELINE = 'random';
/** The chart's width follows its column (CSS pixels, so its text stays the page's size); this until measured. */
const DEFAULT_W = 222;
const H = 180;
const M = { top: 8, right: 8, bottom: 34, left: 46 };

/**
 * "Repeat over seeds": every chosen NB-201 method for seeds 1…N on the chosen benchmark table at
 * the current budget, in the worker (`repeat`). Drawn per method: the median best-so-far (the
 * reported column of the best candidate by the search column so far) with its quartile band over
 * queries; and a table of the final picks, mean ± std over seeds and the paired difference
 * against random search with its standard error. The numbers come from engine/core/stats.ts, the
 * functions `npm run bench` prints with, so the same seeds give the same numbers.
 */
export function Repeats() {
  const table = useSettings((s) => s.table);
  const budgetText = useSettings((s) => s.settings.budget);
  const reportColumn = useSettings((s) => s.settings.reportColumn);
  const searchColumn = useSettings((s) => s.settings.searchColumn);
  const live = useRunStore((s) => s.live);
  const { status, message, spec, tableName, runs } = useRepeats();
  const methods = useMemo(nb201Methods, []);
  const [seedsText, setSeedsText] = useState(String(REPEAT_SEEDS.default));
  const [chosen, setChosen] = useState<Set<MethodId>>(() => new Set(['random', 'evolution'] as MethodId[]));

  const seeds = Number(seedsText);
  const budget = Number(budgetText);
  const problems: string[] = [];
  if (!table) problems.push('No benchmark table chosen: set the evaluator to “Benchmark table” in the setup and pick a shipped table or load a CSV.');
  else if (!table.table.columns.includes(searchColumn) || !table.table.columns.includes(reportColumn)) problems.push('Choose the search and report columns of the table in the setup.');
  if (!Number.isInteger(seeds) || seeds < REPEAT_SEEDS.min || seeds > REPEAT_SEEDS.max) problems.push(`Seeds: a whole number from ${REPEAT_SEEDS.min} to ${REPEAT_SEEDS.max}.`);
  if (!Number.isInteger(budget) || budget < 1) problems.push('Budget (in the setup): a whole number of queries, at least 1.');
  if (chosen.size === 0) problems.push('Choose at least one method.');
  if (live !== 'idle') problems.push('A run is going: stop it (or let it finish) before repeating over seeds.');
  const running = status === 'running';

  const start = () => {
    if (!table || problems.length > 0) return;
    const order = methods.map((m) => m.id).filter((id) => chosen.has(id));
    startRepeat(
      {
        methods: order,
        seeds: Array.from({ length: seeds }, (_, i) => i + 1),
        budget,
        source: table.source ?? 'custom',
        searchColumn,
        reportColumn,
        // A shipped table covers only its op subset; an uploaded one is read as the whole NB-201 space.
        ops: [...(table.ops ?? NB201_OPS)],
      },
      { name: table.name, text: table.text },
    );
  };

  const summary = useMemo(() => summarizeRepeats(runs, BASELINE), [runs]);
  const total = spec ? spec.methods.length * spec.seeds.length : 0;
  const title = (id: string) => methods.find((m) => m.id === id)?.title ?? id;

  return (
    <section className="panel repeats" aria-labelledby="repeats-title" data-testid="repeats">
      <h2 id="repeats-title">Repeat over seeds</h2>
      <p className="hint">
        One run is not a result. On a benchmark table each method runs for seeds 1…N at the budget set above (default method settings, as <code>npm run bench</code>); the chart shows the median best-so-far and
        its quartile band. With 1 seed it is a side-by-side of the methods’ best-so-far curves on shared axes, at equal budget.
      </p>
      <fieldset className="repeats-methods" disabled={running}>
        <legend>Methods</legend>
        <MethodChecks chosen={chosen} onChange={setChosen} testIdPrefix="repeats-method" hints={{ nao: 'trains a predictor per run: tens of seconds each on a CPU' }} />
      </fieldset>
      <label className="field">
        <span className="field-label">Seeds</span>
        <input data-testid="repeats-seeds" type="number" min={REPEAT_SEEDS.min} max={REPEAT_SEEDS.max} value={seedsText} disabled={running} onChange={(e) => setSeedsText(e.target.value)} />
      </label>
      {problems.length > 0 && !running && (
        <ul className="config-problems" data-testid="repeats-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="buttons">
        <button type="button" data-testid="repeats-start" disabled={running || problems.length > 0} onClick={start}>
          Repeat
        </button>
        <button type="button" data-testid="repeats-stop" disabled={!running} onClick={stopRepeat}>
          Stop
        </button>
      </div>
      {status !== 'idle' && (
        <p className={status === 'error' ? 'error' : 'muted'} data-testid="repeats-status" data-status={status} role={status === 'error' ? 'alert' : undefined}>
          {runs.length} / {total} runs
          {status === 'running' ? '…' : status === 'completed' ? ' done' : status === 'stopped' ? ' (stopped)' : ''}
          {spec && tableName && ` · ${tableName}, budget ${spec.budget}, report ${spec.reportColumn}`}
          {message && ` — ${message}`}
        </p>
      )}
      {summary.length > 0 && spec && (
        <>
          <BandChart summary={summary} budget={spec.budget} reportColumn={spec.reportColumn} color={methodColor} title={title} />
          <table className="repeats-table" data-testid="repeats-table">
            <thead>
              <tr>
                <th>method</th>
                <th>seeds</th>
                <th title={`${spec.reportColumn} of the final pick: mean ± std over seeds`}>final</th>
                <th title="Final minus random search's, paired by seed: mean ± standard error">− random</th>
              </tr>
            </thead>
            <tbody>
              {summary.map((s) => (
                <tr key={s.method} data-testid={`repeats-row-${s.method}`}>
                  <td>{title(s.method)}</td>
                  <td>{s.final.n}</td>
                  <td data-testid={`repeats-mean-${s.method}`}>{formatMeanStd(runs.filter((r) => r.method === s.method).map((r) => r.reported))}</td>
                  <td data-testid={`repeats-diff-${s.method}`}>{s.vsBaseline ? pairedText(s.vsBaseline) : s.method === BASELINE ? 'baseline' : 'random not run'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function pairedText(d: PairedDifference): string {
  if (d.n === 0) return '—';
  // One pair has no spread to estimate: print the difference without a standard error that would read as 0.
  return d.n < 2 ? `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(2)} (1 seed, no SE)` : formatPaired(d);
}

function BandChart({ summary, budget, reportColumn, color, title }: { summary: RepeatMethodSummary[]; budget: number; reportColumn: string; color: (id: string) => string; title: (id: string) => string }) {
  const [ref, W] = useChartWidth(DEFAULT_W);
  const lo = d3.min(summary, (s) => d3.min(s.band, (b) => b.q1)) ?? 0;
  const hi = d3.max(summary, (s) => d3.max(s.band, (b) => b.q3)) ?? 1;
  const x = d3.scaleLinear().domain([1, Math.max(2, budget)]).range([M.left, W - M.right]);
  const y = d3
    .scaleLinear()
    .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
    .nice()
    .range([H - M.bottom, M.top]);
  const area = d3
    .area<RepeatMethodSummary['band'][number]>()
    .x((b) => x(b.query))
    .y0((b) => y(b.q1))
    .y1((b) => y(b.q3))
    .curve(d3.curveStepAfter);
  const line = d3
    .line<RepeatMethodSummary['band'][number]>()
    .x((b) => x(b.query))
    .y((b) => y(b.median))
    .curve(d3.curveStepAfter);
  return (
    <figure className="repeats-chart" style={{ margin: '0.5rem 0 0' }}>
      <div ref={ref} className="chart-box">
      <svg className="chart" width={W} height={H} role="img" aria-label={`Median best-so-far ${reportColumn} with quartile band, per method, over queries`} data-testid="repeats-chart">
        {y.ticks(4).map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x1={M.left} x2={W - M.right} stroke={C.grid} />
            <text className="tick" x={M.left - 4} dy="0.32em" textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {x.ticks(4).map((t) => (
          <text className="tick" key={t} x={x(t)} y={H - M.bottom + 14} textAnchor="middle">
            {t}
          </text>
        ))}
        <text className="axis-title" x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">
          queries
        </text>
        <text className="axis-title" transform={`translate(12,${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          best-so-far {reportColumn}
        </text>
        {summary.map((s) => (
          <g key={s.method}>
            <path d={area(s.band) ?? ''} fill={color(s.method)} fillOpacity={0.18} data-testid={`repeats-band-${s.method}`} />
            <path d={line(s.band) ?? ''} fill="none" stroke={color(s.method)} strokeWidth={1.8} data-testid={`repeats-median-${s.method}`} />
          </g>
        ))}
      </svg>
      </div>
      <figcaption className="repeats-legend">
        {summary.map((s) => (
          <div key={s.method}>
            <svg width={12} height={10} aria-hidden="true">
              <rect width={12} height={10} fill={color(s.method)} />
            </svg>{' '}
            {title(s.method)} (median, quartiles over {s.final.n} seeds)
          </div>
        ))}
      </figcaption>
    </figure>
  );
}
