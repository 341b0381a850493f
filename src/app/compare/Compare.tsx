import { useEffect, useMemo, useRef, useState } from 'react';
import type { MethodId } from '../../engine/core/config';
import { parseBenchmarkCsv } from '../../engine/evaluate/table';
import { MethodChecks, nb201Methods } from '../panels/MethodChecks';
import { formatDuration, formatScore, metricLabel } from '../format';
import { CellGraph } from '../graphs/CellGraph';
import { ArchChain } from '../panels/cream/ArchChain';
import { type BenchmarkIndexEntry, fetchBenchmarkCsv, fetchBenchmarkIndex } from '../panels/benchmark/benchmarkIndex';
import { readArchitectureFile } from '../panels/ExportImport';
import { fetchRecordedLog, type GalleryEntry, loadGalleryIndex } from '../panels/Gallery';
import { useRunStore } from '../store';
import { startCompare, stopCompare } from '../workerClient';
import { CompareChart, type CompareX } from './CompareChart';
import { budgetNote, ORIGIN_WORDS, settingRows } from './compareRuns';
import { type CompareSlot, MAX_SLOTS, useCompare } from './compareStore';
import { methodOption } from '../methods';
import { useGallery } from '../panels/Gallery';
import './compare.css';

/**
 * Live runs on a table. The default keeps all three in seconds on a CPU: from about 25 queries
 * NAO trains its predictor for longer (about a minute per run on a laptop CPU).
 */
const LIVE_BUDGET = { min: 1, max: 500, default: 20 } as const;
const LIVE_SEED = { min: 1, max: 1_000_000 } as const;

/**
 * Compare two to four runs — the one on screen, recorded ones, imported files, or random search,
 * evolution and NAO run here on a shipped table — on one view: best-so-far on shared axes (over
 * queries or seconds), the final picks side by side and the settings with their differences.
 */
export function Compare() {
  const slots = useCompare((s) => s.slots);
  const refusal = useCompare((s) => s.refusal);
  const [xAxis, setXAxis] = useState<CompareX>('queries');
  const [spaceKey, setSpaceKey] = useState<string | null>(null);

  // Scores that mean different things never share axes: one chart per meaning, chosen here.
  const spaces = useMemo(() => {
    const m = new Map<string, { label: string; slots: CompareSlot[] }>();
    for (const s of slots) {
      const e = m.get(s.run.space.key) ?? { label: s.run.space.label, slots: [] };
      e.slots.push(s);
      m.set(s.run.space.key, e);
    }
    return m;
  }, [slots]);
  const shownKey = spaceKey !== null && spaces.has(spaceKey) ? spaceKey : (slots[0]?.run.space.key ?? null);
  const shown = shownKey ? spaces.get(shownKey)! : null;
  const offChart = slots.filter((s) => s.run.space.key !== shownKey);
  const budget = budgetNote(slots.map((s) => s.run));
  const rows = settingRows(slots.map((s) => s.run));

  return (
    <section className="panel compare-view" aria-labelledby="compare-title" data-testid="compare-view">
      <header className="compare-head">
        <h2 id="compare-title">Compare runs</h2>
        <button type="button" className="link" data-testid="compare-close" onClick={() => useCompare.getState().setOpen(false)}>
          Back to the run
        </button>
      </header>
      <p className="hint">
        Up to {MAX_SLOTS} runs side by side: the run on screen, recorded runs, exported files with their log, or searches run here on a shipped table. Curves share axes only when the runs’ scores mean the same thing
        (the same table column, the same evaluator on the same data, or the same method’s own score); equal budgets make the comparison fair.
      </p>
      <div className="compare-body">
        <div className="compare-side">
          <AddRuns />
          {refusal && (
            <p className="error" role="alert" data-testid="compare-refusal">
              {refusal}
            </p>
          )}
        </div>
        <div className="compare-main">
          {slots.length === 0 && <p className="muted">No run yet: add the run on screen, a recorded run or a file, or run random search, evolution and NAO side by side on a shipped table.</p>}
          {slots.length > 0 && (
            <ul className="compare-slots" aria-label="Runs in the comparison">
              {slots.map((s) => (
                <li key={s.key} data-testid="compare-slot" data-slot={s.key} data-origin={s.origin}>
                  <Swatch color={s.color} /> <strong>{s.label}</strong> <span className="muted">({ORIGIN_WORDS[s.origin]})</span>{' '}
                  <button type="button" className="link" aria-label={`Remove ${s.label}`} onClick={() => useCompare.getState().remove(s.key)}>
                    remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          {shown && (
            <>
              <div className="compare-axes">
                <label className="field">
                  <span className="field-label">x axis</span>
                  <select data-testid="compare-x" value={xAxis} onChange={(e) => setXAxis(e.target.value as CompareX)}>
                    <option value="queries">queries (candidates evaluated)</option>
                    <option value="seconds">seconds (event time)</option>
                  </select>
                </label>
                {spaces.size > 1 && (
                  <label className="field">
                    <span className="field-label">score on the chart</span>
                    <select data-testid="compare-space" value={shownKey ?? ''} onChange={(e) => setSpaceKey(e.target.value)}>
                      {[...spaces.entries()].map(([k, v]) => (
                        <option key={k} value={k}>
                          {v.label} ({v.slots.length} run{v.slots.length > 1 ? 's' : ''})
                        </option>
                      ))}
                    </select>
                  </label>
                )}
              </div>
              {spaces.size > 1 && (
                <p className="notice" data-testid="compare-spaces-note">
                  These runs’ scores mean different things, so they are not drawn on one axis. Shown: {shown.label}. Not on this chart: {offChart.map((s) => `${s.label} (${s.run.space.label})`).join('; ')}.
                </p>
              )}
              {xAxis === 'seconds' && <p className="hint">Seconds are each run’s own: a run on another machine or backend, or paced to be watched, is slower for reasons that are not the method’s.</p>}
              <CompareChart slots={shown.slots} xAxis={xAxis} yLabel={shown.label} />
            </>
          )}
          {budget && (
            <p className={budget.unequal ? 'error' : 'notice'} data-testid="compare-budget-note" data-unequal={budget.unequal}>
              {budget.text}
            </p>
          )}
          {slots.length > 0 && (
            <>
              <h3>Final picks</h3>
              <ul className="compare-picks">
                {slots.map((s) => (
                  <Pick key={s.key} slot={s} />
                ))}
              </ul>
              <h3 id="compare-settings-title">Settings</h3>
              <div className="compare-table-wrap">
                <table className="compare-settings" aria-labelledby="compare-settings-title" data-testid="compare-settings">
                  <thead>
                    <tr>
                      <th scope="col">setting</th>
                      {slots.map((s) => (
                        <th key={s.key} scope="col">
                          <Swatch color={s.color} /> {s.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.label} data-differs={r.differs} data-testid={`compare-row-${r.label.replace(/ /g, '-')}`}>
                        <th scope="row">
                          {r.label}
                          {r.differs && <span className="compare-differs"> (differs)</span>}
                        </th>
                        {r.values.map((v, i) => (
                          <td key={slots[i].key}>{v}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function Swatch({ color }: { color: string }) {
  return (
    <svg className="compare-swatch" width={12} height={12} aria-hidden="true">
      <rect width={12} height={12} rx={2} fill={color} />
    </svg>
  );
}

/** The final's held-out numbers worth a card: a table's reported column, else the retrain's accuracies. */
const HELD_OUT = ['reported', 'testAcc', 'valAcc'];

/** A run's final pick: its graph (the page's own cell and chain views), its search score and its held-out numbers. */
function Pick({ slot }: { slot: CompareSlot }) {
  const { final, curve, config } = slot.run;
  const arch = final?.arch ?? (curve.at(-1)?.best ? { space: curve.at(-1)!.best!.arch.space, arch: curve.at(-1)!.best!.arch.arch } : null);
  const best = curve.at(-1);
  return (
    <li className="compare-pick" data-testid="compare-pick" data-slot={slot.key}>
      <p className="compare-pick-title">
        <Swatch color={slot.color} /> {slot.label}
      </p>
      {arch &&
        (arch.space === 'blocks' ? (
          <ArchChain arch={arch.arch} width={220} height={48} title={`${slot.label}: final block chain`} testId="compare-pick-chain" />
        ) : (
          <CellGraph arch={arch.arch} title={`${slot.label}: final cell ${arch.arch}`} testId="compare-pick-cell" />
        ))}
      <dl className="metrics">
        <dt>{final ? 'final pick' : 'best so far (no final yet)'}</dt>
        <dd data-testid="compare-pick-score">
          {formatScore(final ? final.score : best?.score)} <span className="muted">search score</span>
        </dd>
        {final &&
          HELD_OUT.filter((k) => final.metrics[k] !== undefined).map((k) => (
            <FragmentPair key={k} k={k === 'reported' ? `reported (${config.table.reportColumn})` : metricLabel(k, config.method)} v={formatScore(final.metrics[k], 3)} />
          ))}
        <FragmentPair k="took" v={formatDuration(slot.run.duration)} />
      </dl>
    </li>
  );
}

function FragmentPair({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

/** The four ways a run joins the comparison. Each refusal is a short message and changes nothing. */
function AddRuns() {
  const { refuse, add } = useCompare.getState();
  const onScreenLog = useRunStore((s) => s.logLength);
  const full = useCompare((s) => s.slots.length >= MAX_SLOTS);
  const [gallery, setGallery] = useState<Record<string, GalleryEntry> | null>(null);
  const [recorded, setRecorded] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    loadGalleryIndex().then(
      (g) => {
        setGallery(g);
        setRecorded((r) => r || Object.keys(g)[0] || '');
      },
      (e: unknown) => refuse(e instanceof Error ? e.message : String(e)),
    );
  }, [refuse]);

  const addScreen = () => {
    const s = useRunStore.getState();
    const start = s.source.runStart;
    if (!start) return refuse('There is no run on screen: start one, or open a recorded run.');
    const name = useGallery.getState().open;
    const label = `${methodOption(start.config.method).title}, seed ${start.config.seed} (${name ? `recorded: ${name}` : s.replay ? 'replayed' : s.source.end ? 'on screen' : `on screen, snapshot at ${s.source.candidates.length} candidates`})`;
    add('screen', label, s.source.log.slice());
  };

  const addRecorded = async () => {
    if (!recorded) return;
    const r = await fetchRecordedLog(recorded);
    if (!r.ok) return refuse(r.error);
    const start = r.log.find((e) => e.type === 'run-start');
    add('recorded', `${start?.type === 'run-start' ? methodOption(start.config.method).title : recorded} (recorded: ${recorded})`, r.log);
  };

  const addFile = async (f: File | undefined) => {
    if (!f) return;
    const r = await readArchitectureFile(f);
    if (fileInput.current) fileInput.current.value = '';
    if (!r.ok) return refuse(`${f.name} was not added: ${r.errors.join('; ')}`);
    if (!r.file.log?.length) return refuse(`${f.name} was not added: it carries no event log (export it with “include the run’s event log”).`);
    add('imported', `${methodOption(r.file.config.method).title}, seed ${r.file.seed} (file ${f.name.slice(0, 40)})`, r.file.log);
  };

  return (
    <div className="compare-add">
      <div className="compare-add-row">
        <button type="button" data-testid="compare-add-screen" disabled={onScreenLog === 0 || full} onClick={addScreen}>
          Add the run on screen
        </button>
      </div>
      <div className="compare-add-row">
        <label className="field">
          <span className="field-label">Recorded run</span>
          <select data-testid="compare-recorded" value={recorded} onChange={(e) => setRecorded(e.target.value)} disabled={!gallery}>
            {gallery &&
              Object.entries(gallery).map(([name, e]) => (
                <option key={name} value={name}>
                  {methodOption(e.method).title}: {name}
                </option>
              ))}
          </select>
        </label>
        <button type="button" data-testid="compare-add-recorded" disabled={!recorded || full} onClick={() => void addRecorded()}>
          Add
        </button>
      </div>
      <label className="field compare-add-row">
        <span className="field-label">Exported file with its log</span>
        <input ref={fileInput} type="file" accept=".json,application/json" data-testid="compare-import" disabled={full} onChange={(e) => void addFile(e.target.files?.[0])} />
      </label>
      <LiveRuns />
    </div>
  );
}

/** Random search, evolution, NAO … run in the worker on a shipped table, with one seed and one budget for all. */
function LiveRuns() {
  const live = useCompare((s) => s.live);
  const free = useCompare((s) => MAX_SLOTS - s.slots.length);
  const onScreen = useRunStore((s) => s.live);
  const methods = useMemo(nb201Methods, []);
  const [tables, setTables] = useState<BenchmarkIndexEntry[] | null>(null);
  const [tableId, setTableId] = useState('');
  const [chosen, setChosen] = useState<Set<MethodId>>(() => new Set(methods.slice(0, 3).map((m) => m.id)));
  const [seedText, setSeedText] = useState('1');
  const [budgetText, setBudgetText] = useState(String(LIVE_BUDGET.default));
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    fetchBenchmarkIndex(import.meta.env.BASE_URL).then(
      (idx) => {
        const searchable = idx.tables.filter((t) => t.searchable && t.space === 'nb201');
        setTables(searchable);
        setTableId((id) => id || searchable[0]?.id || '');
      },
      (e: unknown) => useCompare.getState().refuse(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  const seed = Number(seedText);
  const budget = Number(budgetText);
  const running = live.status === 'running';
  const problems: string[] = [];
  if (!tableId) problems.push('No shipped table to search on.');
  if (chosen.size === 0) problems.push('Choose at least one method.');
  else if (chosen.size > free) problems.push(`Room for ${free} more run${free === 1 ? '' : 's'}: remove one, or choose fewer methods.`);
  if (!Number.isInteger(seed) || seed < LIVE_SEED.min || seed > LIVE_SEED.max) problems.push(`Seed: a whole number from ${LIVE_SEED.min} to ${LIVE_SEED.max}.`);
  if (!Number.isInteger(budget) || budget < LIVE_BUDGET.min || budget > LIVE_BUDGET.max) problems.push(`Budget: a whole number of queries from ${LIVE_BUDGET.min} to ${LIVE_BUDGET.max}.`);
  if (onScreen !== 'idle') problems.push('A run is going: stop it (or let it finish) before running a comparison.');

  const run = async () => {
    const entry = tables?.find((t) => t.id === tableId);
    if (!entry || problems.length > 0) return;
    setLoading(true);
    try {
      const { name, text } = await fetchBenchmarkCsv(import.meta.env.BASE_URL, entry);
      // Parsed here too, so a damaged table is refused with its message before the worker is asked.
      parseBenchmarkCsv(text, name);
      startCompare(
        {
          methods: methods.map((m) => m.id).filter((id) => chosen.has(id)),
          seeds: [seed],
          budget,
          source: entry.id,
          searchColumn: entry.defaultSearchColumn,
          reportColumn: entry.defaultReportColumn,
          ops: [...entry.ops],
        },
        { name, text },
      );
    } catch (err) {
      useCompare.getState().refuse(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      <fieldset className="compare-live" disabled={running || loading}>
        <legend>Run live on a shipped table</legend>
        <label className="field">
          <span className="field-label">Table</span>
          <select data-testid="compare-table" value={tableId} onChange={(e) => setTableId(e.target.value)}>
            {tables?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
        <div className="compare-methods" role="group" aria-label="Methods to run">
          <MethodChecks chosen={chosen} onChange={setChosen} testIdPrefix="compare-method" hints={{ nao: 'trains a predictor: from ~25 queries, about a minute' }} />
        </div>
        <div className="compare-add-row">
          <label className="field">
            <span className="field-label">Seed</span>
            <input type="number" data-testid="compare-seed" min={LIVE_SEED.min} max={LIVE_SEED.max} value={seedText} onChange={(e) => setSeedText(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Budget (queries, the same for every method)</span>
            <input type="number" data-testid="compare-budget" min={LIVE_BUDGET.min} max={LIVE_BUDGET.max} value={budgetText} onChange={(e) => setBudgetText(e.target.value)} />
          </label>
        </div>
        {problems.length > 0 && !running && (
          <ul className="config-problems" data-testid="compare-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="buttons">
          <button type="button" data-testid="compare-run" disabled={problems.length > 0} onClick={() => void run()}>
            Run {chosen.size} side by side
          </button>
        </div>
      </fieldset>
      {live.status !== 'idle' && (
        <p className={live.status === 'error' ? 'error' : 'muted'} data-testid="compare-live-status" data-status={live.status} role={live.status === 'error' ? 'alert' : undefined}>
          {live.received} / {live.expected} runs{live.status === 'running' ? '…' : live.status === 'completed' ? ' done' : ` (${live.status})`}
          {live.message && ` — ${live.message}`}
        </p>
      )}
      {running && (
        <button type="button" className="link" data-testid="compare-stop" onClick={stopCompare}>
          Stop
        </button>
      )}
    </>
  );
}
