import type { RunConfig } from '../../engine/core/config';
import type { RunEvent } from '../../engine/core/events';
import { clip, quote } from '../../engine/core/quote';
import { validateRunLog } from '../../engine/export/architectureFile';
import { METHOD_CATALOG, methodSpace } from '../../engine/methods/catalog';
import { eventKey } from '../../engine/methods/resume';

/**
 * A live run saved in the browser (IndexedDB) while it goes, so a reload or a crash does not lose
 * it. Plain TS without the DOM: the record's shape, its validation when read back, the check of a
 * rerun against the saved events, and what "continue" can honestly mean for a run. The storage
 * itself is in idb.ts, the timing in persist.ts.
 *
 * A run is stored as one meta record and its log in chunks (each save appends only the events
 * received since the last one), written in one transaction so the meta's event count always
 * matches the chunks. A chunk holds its events as JSON text, as an exported file does: a NaN
 * (a diverged loss) reads back as null, which the validators and the store expect, and one string
 * is cheaper to store than thousands of small objects.
 */

export const SAVED_RUN_VERSION = 1;
/** How many saved runs are kept; older ones are deleted when a new run starts saving. */
export const KEEP_RUNS = 3;

/** A new saved run's id: when it started, and a few letters that tell two runs of the same millisecond apart. */
export function newSavedRunId(at: Date): string {
  return `run-${at.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface SavedTableRef {
  name: string;
  /** config.table.source: a shipped table's id, or 'custom' for an uploaded file. */
  source: string;
  /** FNV-1a of the CSV text: the uploaded table kept in storage is used for a continue only when it is the same text. */
  hash: string;
}

export interface SavedRunMeta {
  id: string;
  version: typeof SAVED_RUN_VERSION;
  startedAt: string;
  savedAt: string;
  appVersion: string;
  /** Events saved so far: the sum of the chunks' lengths. */
  events: number;
  /** Chunks saved so far, numbered 0 … chunks − 1. */
  chunks: number;
  candidates: number;
  ended: boolean;
  table?: SavedTableRef;
}

export interface SavedChunk {
  runId: string;
  seq: number;
  /** JSON text of the chunk's RunEvent[]. */
  events: string;
}

export interface SavedRun {
  meta: SavedRunMeta;
  log: RunEvent[];
  config: RunConfig;
  runStart: Extract<RunEvent, { type: 'run-start' }>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? quote(v) : typeof v === 'object' ? 'an object' : v === undefined ? 'missing' : clip(String(v)));
const isDate = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const MAX_SHOWN = 6;

/**
 * Checks a saved run read back from storage as the page checks any import: the record's own
 * fields, the chunks complete and in order, then the log with the architecture file's validators
 * (validateRunLog). A record that fails is refused whole, with messages that quote at most ~60
 * characters of it.
 */
export function validateSavedRun(meta: unknown, chunks: unknown): { ok: true; run: SavedRun } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (!isObj(meta)) return { ok: false, errors: [`the saved record is ${describe(meta)}, not a saved run`] };
  if (meta.version !== SAVED_RUN_VERSION) return { ok: false, errors: [`the saved record has version ${describe(meta.version)}; this page reads version ${SAVED_RUN_VERSION}`] };
  if (typeof meta.id !== 'string' || meta.id === '') errors.push(`id must be a name, not ${describe(meta.id)}`);
  for (const k of ['startedAt', 'savedAt'] as const) if (!isDate(meta[k])) errors.push(`${k} must be a date, not ${describe(meta[k])}`);
  if (typeof meta.appVersion !== 'string') errors.push(`appVersion must be a string, not ${describe(meta.appVersion)}`);
  for (const k of ['events', 'chunks', 'candidates'] as const) if (!isCount(meta[k])) errors.push(`${k} must be a count, not ${describe(meta[k])}`);
  if (typeof meta.ended !== 'boolean') errors.push(`ended must be true or false, not ${describe(meta.ended)}`);
  if ('table' in meta && meta.table !== undefined) {
    const t = meta.table;
    if (!isObj(t) || typeof t.name !== 'string' || typeof t.source !== 'string' || typeof t.hash !== 'string') errors.push(`table must name the benchmark table (name, source, hash), not ${describe(t)}`);
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_SHOWN) };

  if (!Array.isArray(chunks)) return { ok: false, errors: [`the saved events are ${describe(chunks)}, not a list of chunks`] };
  const log: unknown[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const ch = chunks[i];
    if (!isObj(ch) || ch.seq !== i || typeof ch.events !== 'string') {
      return { ok: false, errors: [`saved chunk ${i} of ${meta.chunks} is missing or damaged (${isObj(ch) ? `seq ${describe(ch.seq)}, events ${describe(ch.events)}` : describe(ch)})`] };
    }
    let events: unknown;
    try {
      events = JSON.parse(ch.events);
    } catch (err) {
      return { ok: false, errors: [`saved chunk ${i} is not valid JSON (${clip(err instanceof Error ? err.message : String(err))})`] };
    }
    if (!Array.isArray(events)) return { ok: false, errors: [`saved chunk ${i} holds ${describe(events)}, not a list of events`] };
    for (const e of events) log.push(e);
  }
  if (chunks.length !== meta.chunks || log.length !== meta.events) {
    return { ok: false, errors: [`the saved run is incomplete: ${log.length} events in ${chunks.length} chunks, where its record counts ${meta.events as number} in ${meta.chunks as number}`] };
  }
  const r = validateRunLog(log);
  if (!r.ok) return { ok: false, errors: r.errors.slice(0, MAX_SHOWN).map((e) => `saved log: ${e}`).concat(r.errors.length > MAX_SHOWN ? ['… further errors not shown'] : []) };
  return { ok: true, run: { meta: meta as unknown as SavedRunMeta, log: r.log, config: r.config, runStart: r.log[0] as SavedRun['runStart'] } };
}

/**
 * The newest record of those read back: the one to offer. A record without a readable savedAt
 * counts as the newest, so a damaged record is reported rather than skipped in favour of an older
 * one the learner did not expect.
 */
export function newestRecord(records: unknown[]): unknown {
  let best: unknown = undefined;
  let bestAt = -Infinity;
  for (const r of records) {
    const at = isObj(r) && isDate(r.savedAt) ? Date.parse(r.savedAt) : Infinity;
    if (best === undefined || at > bestAt) {
      best = r;
      bestAt = at;
    }
  }
  return best;
}

/** The ids to delete so that only the `keep` newest runs stay (`current`, the run being saved, always stays). */
export function idsToPrune(records: unknown[], keep: number, current: string | null): string[] {
  const rows = records.map((r) => ({ id: isObj(r) && typeof r.id === 'string' ? r.id : null, at: isObj(r) && isDate(r.savedAt) ? Date.parse(r.savedAt) : -Infinity }));
  rows.sort((a, b) => b.at - a.at);
  const kept = new Set<string>(current ? [current] : []);
  for (const r of rows) if (r.id !== null && kept.size < keep) kept.add(r.id);
  return rows.filter((r) => r.id !== null && !kept.has(r.id)).map((r) => r.id!);
}

// ---------------------------------------------------------------------------------------------
// Continue. Random search and evolution (the methods whose plugin says `resume.checkpoint`) go on
// from the checkpoint the worker wrote when the evaluator was prepared (engine/methods/resume.ts):
// the supernet's weights are loaded, not trained again, and the method catches up on the saved
// candidates in about a second. Every other run, and one saved before its checkpoint, re-runs the
// saved config and seed from the start — deterministic per seed on the CPU backend
// (test/determinism.test.ts) — checks every event it gives against the saved ones (RerunCheck),
// and goes on past them.

export interface ContinuePlan {
  can: boolean;
  /**
   * 'checkpoint': from the checkpoint, in seconds; 'lookup': a rerun that gets back in seconds
   * (table lookups); 'retrain': a rerun that trains the saved part again, as long as it took.
   */
  kind: 'checkpoint' | 'lookup' | 'retrain' | 'none';
  /** Whether the continued run is expected to give the uninterrupted run's events exactly (CPU backend). */
  exact: boolean;
  button: string;
  why: string;
}

/** What the page needs of the checkpoint a saved run has in this browser (idb.ts `CheckpointHeader`). */
export interface CheckpointRef {
  method: string;
  evaluator: string;
  seed: number;
  events: number;
}

const EVALUATOR_STATE: Record<string, string> = {
  supernet: 'the supernet’s weights, saved when its training ended, are loaded instead of trained again',
  standalone: 'the saved candidates’ trainings are not repeated',
  table: 'the saved candidates are not looked up again',
};

/** What the page says about continuing, method by method: from the plugins' own `resume`. */
export function continueNote(): { methods: { id: string; title: string; checkpoint: boolean; line: string }[]; outro: string } {
  return {
    methods: METHOD_CATALOG.map((m) => {
      const checkpoint = m.resume?.checkpoint === true;
      const how = checkpoint
        ? 'from its checkpoint, in seconds (taken when the supernet’s training ends; at the start on a table or with standalone training): the weights are loaded, not re-trained, and the saved candidates are replayed from the seed, each one checked'
        : 'by a checked rerun from the start, which re-trains what the saved part trained';
      return { id: m.id, title: m.title, checkpoint, line: `${how} — ${m.resume?.why ?? 'it keeps no checkpoint'}.` };
    }),
    outro:
      'A run saved before its checkpoint was taken is rerun from the start. On the CPU backend a continued run gives the events of an uninterrupted run of the same seed; on WebGL or WebGPU it may differ, and the page says where it parted. A finished run has nothing to continue.',
  };
}

/** Methods whose whole work on a benchmark table is lookups: a rerun gets back to the saved point in seconds. */
const LOOKUP_ONLY: readonly string[] = ['random', 'evolution'];

export function continuePlan(
  run: Pick<SavedRun, 'config' | 'runStart' | 'log'>,
  opts: { tableAvailable: boolean; tableName?: string; checkpoint?: CheckpointRef | null } = { tableAvailable: true },
): ContinuePlan {
  const none = (why: string): ContinuePlan => ({ can: false, kind: 'none', exact: false, button: 'Continue', why });
  const end = run.log.findLast((e) => e.type === 'run-end');
  if (end && end.type === 'run-end') return none(`the run had ${end.status === 'completed' ? 'finished' : end.status === 'stopped' ? 'been stopped' : 'ended with an error'} before the reload: everything it did is in the restored log`);
  if (run.runStart.trainArch) return none('it trained one imported architecture, not a search: import the file again and press Train');
  const onTable = run.config.evaluator === 'table' && methodSpace(run.config.method) === 'nb201';
  if (onTable && !opts.tableAvailable) return none(`it needs its benchmark table${opts.tableName ? ` ${quote(opts.tableName)}` : ''}, which this browser did not keep: upload it again, then Continue`);
  const exact = run.runStart.backend === 'cpu';
  const candidates = run.log.filter((e) => e.type === 'candidate').length;
  const info = METHOD_CATALOG.find((m) => m.id === run.config.method);
  const cp = opts.checkpoint;
  const fits = cp && cp.method === run.config.method && cp.evaluator === run.config.evaluator && cp.seed === run.config.seed && cp.events <= run.log.length;
  if (info?.resume?.checkpoint && fits) {
    const after = exact ? 'on the CPU backend the candidates after them are those of an uninterrupted run' : `it ran on ${run.runStart.backend}, where the candidates after them may differ slightly from an uninterrupted run`;
    return {
      can: true,
      kind: 'checkpoint',
      exact,
      button: 'Continue from the checkpoint',
      why: `from its checkpoint, in seconds: ${EVALUATOR_STATE[run.config.evaluator] ?? 'the evaluator is restored'}, and ${info.title.toLowerCase()} replays the ${candidates} saved candidates from seed ${run.config.seed}, each checked against the saved run; ${after}; then it goes on to its budget`,
    };
  }
  // No checkpoint to go on from: the saved config and seed run again from the start.
  const because = info?.resume?.checkpoint ? 'it was saved before its checkpoint was taken, so' : `${info?.title ?? run.config.method} keeps no checkpoint (${info?.resume?.why ?? 'it does not say it can'}), so`;
  const again = exact ? 'on the CPU backend it gives the saved events again, each one checked' : `it ran on ${run.runStart.backend}, where a rerun may differ from the saved events; the page checks each one and says where they part`;
  if (onTable && LOOKUP_ONLY.includes(run.config.method)) {
    return { can: true, kind: 'lookup', exact, button: 'Continue', why: `${because} seed ${run.config.seed} runs again from the start; table lookups get back the ${candidates} saved candidates in seconds; ${again}; then the search goes on to its budget` };
  }
  return {
    can: true,
    kind: 'retrain',
    exact,
    button: 'Continue (re-trains from the start)',
    why: `${because} seed ${run.config.seed} is trained again from the start, as long as the saved part took; ${again}; then the run goes on`,
  };
}

export interface RerunCheckState {
  /** Saved events the rerun has repeated so far. */
  matched: number;
  total: number;
  /** The first saved event the rerun did not repeat, or null. */
  partedAt: number | null;
  partedWhat: string;
}

/**
 * Compares a rerun's log, as it grows, with the saved one. Feed it the whole growing log; it
 * looks at each event once.
 */
export class RerunCheck {
  private readonly keys: string[];
  readonly state: RerunCheckState;
  constructor(saved: readonly RunEvent[]) {
    this.keys = saved.map(eventKey);
    this.state = { matched: 0, total: saved.length, partedAt: null, partedWhat: '' };
  }

  get done(): boolean {
    return this.state.partedAt !== null || this.state.matched >= this.state.total;
  }

  feed(log: readonly RunEvent[]): RerunCheckState {
    const s = this.state;
    while (!this.done && s.matched < log.length) {
      const e = log[s.matched];
      if (eventKey(e) !== this.keys[s.matched]) {
        s.partedAt = s.matched;
        s.partedWhat = `event ${s.matched + 1} (${e.type}${e.type === 'candidate' ? ` ${e.index}` : ''})`;
        break;
      }
      s.matched++;
    }
    return s;
  }
}
