import type { EvaluatorId, RunConfig } from '../core/config';
import type { RunEvent } from '../core/events';
import { canonicalJson, textHash } from '../core/hash';
import type { RunContext } from '../core/runLoop';
import type { Evaluation, Evaluator, EvaluatorState, FinalReport } from '../evaluate/types';
import { formatCell, type Nb201Cell } from '../spaces/nb201';

/**
 * A checkpoint, and how a run goes on from one (run.ts `resumeSearch`).
 *
 * What a checkpoint holds. It is taken once, when the evaluator is prepared — for the supernet,
 * when its training phase ends — and holds the evaluator's state then (the supernet's weights as
 * Float32Arrays; nothing for a table or standalone training) and how many events the run had
 * emitted (run-start, setup, the supernet's train and val events), with a hash of them.
 *
 * What it does not hold, and why that is enough. The method's state (an evolution population,
 * the candidate history, its random streams) is not serialised: every draw a search makes comes
 * from its own named fork of the seed (core/rng.ts: a fork depends on the seed and the label,
 * and the root stream is never drawn from), and scoring a candidate with the supernet or a table
 * draws nothing — standalone training draws from a per-candidate fork numbered by how many came
 * before, which `Evaluator.replayed` keeps counting. So the method's state after k candidates is a
 * function of the seed and the k scores, and running the method again from the seed while the
 * saved candidate events answer its first k evaluations rebuilds it exactly, in milliseconds.
 * Each proposed architecture is checked against the saved one, and each event the method emits
 * against the saved log; where they part, the continue stops and says where. This holds only
 * for methods that do not train the evaluator further (NAO-WS does; its plugin says so).
 */

export const CHECKPOINT_VERSION = 1;

export interface RunCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  method: string;
  evaluator: EvaluatorId;
  seed: number;
  /** Events the run had emitted when the checkpoint was taken: the part of the log its state stands for. */
  events: number;
  /** `logHash` of those events: a saved log continues from this checkpoint only if its first `events` hash the same. */
  prefixHash: string;
  state: EvaluatorState;
}

/**
 * A hash of events as an exported file or a saved run holds them (JSON, so a NaN is null): the
 * worker's own events and the page's saved copy of them hash the same.
 */
export function logHash(events: readonly RunEvent[]): string {
  return textHash(canonicalJson(events));
}

/** An event as a continued run must repeat it: without its time, and run-start by what was asked (config, trained arch), not where it ran. */
export function eventKey(e: RunEvent): string {
  if (e.type === 'run-start') return canonicalJson({ type: e.type, config: e.config, trainArch: e.trainArch ?? null });
  const { t: _t, ...rest } = e;
  return canonicalJson(rest);
}

const describeEvent = (e: RunEvent) => `${e.type}${e.type === 'candidate' ? ` #${e.index} ${e.arch.arch}` : e.type === 'method' ? ` ${e.method}/${e.kind}` : e.type === 'phase' ? ` ${e.phase}` : ''}`;

/** Events an evaluation emits on its own (a standalone training's curve): passed over when the saved score answers it. */
const EVALUATION_OUTPUT: ReadonlySet<RunEvent['type']> = new Set(['train', 'val', 'log']);

/** The saved log saved null for NaN; a score answered from it must be the number the run had. */
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);

export class PartedError extends Error {}

/**
 * The saved part of a run being continued: the events after the checkpoint that the continued
 * run must repeat. `repeats` takes each event the continued run emits; `evaluation` answers a
 * candidate from the saved log.
 */
export class SavedPart {
  private pos: number;
  private over = false;
  /** Evaluations answered from the saved log so far. */
  answered = 0;

  constructor(
    private readonly saved: readonly RunEvent[],
    from: number,
  ) {
    this.pos = from;
  }

  /** Saved events remain that the continued run has not repeated yet. */
  get active(): boolean {
    return !this.over && this.pos < this.saved.length;
  }

  /**
   * True when `e` repeats the next saved event (it is on screen already, not sent again); false
   * once past the saved part. Throws, once, where the continued run parts from the saved one;
   * after that, and for the run's end, every event is new.
   */
  repeats(e: RunEvent): boolean {
    if (!this.active) return false;
    if (e.type === 'run-end') {
      this.over = true;
      return false;
    }
    const want = this.saved[this.pos];
    if (eventKey(e) === eventKey(want)) {
      this.pos++;
      return true;
    }
    this.over = true;
    throw new PartedError(`the continued run parted from the saved one at event ${this.pos + 1}: the saved run had ${describeEvent(want)}, the continued one ${describeEvent(e)}`);
  }

  /**
   * The saved evaluation of `cell` when the saved log holds the next candidate, or null past the
   * saved candidates. The saved events before that candidate must be the evaluation's own output
   * (they are passed over, as the evaluation is); throws if they are not, or if the saved
   * candidate is another architecture.
   */
  evaluation(cell: Nb201Cell): Evaluation | null {
    if (!this.active) return null;
    let c = this.pos;
    while (c < this.saved.length && this.saved[c].type !== 'candidate') {
      if (!EVALUATION_OUTPUT.has(this.saved[c].type)) return this.part(`the continued run evaluated a candidate where the saved run had ${describeEvent(this.saved[c])} (event ${c + 1})`);
      c++;
    }
    if (c >= this.saved.length) return null; // an evaluation the reload cut short: it runs again, its events checked
    const e = this.saved[c] as Extract<RunEvent, { type: 'candidate' }>;
    const arch = formatCell(cell);
    if (e.arch.space !== 'nb201' || e.arch.arch !== arch) return this.part(`candidate #${e.index}: the continued run proposed ${arch}, the saved run had ${e.arch.arch}`);
    this.pos = c;
    this.answered++;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.metrics)) metrics[k] = num(v);
    return { score: num(e.score), metrics, cost: { params: num(e.cost.params), flops: num(e.cost.flops) } };
  }

  private part(message: string): never {
    this.over = true;
    throw new PartedError(message);
  }
}

/**
 * The run's evaluator while a continued run catches up: an evaluation the saved log holds is
 * answered from it (and the evaluator told, `replayed`); the rest are evaluated.
 */
export class ReplayingEvaluator implements Evaluator<Nb201Cell> {
  readonly id: EvaluatorId;
  readonly scoreLabel: string;

  constructor(
    private readonly inner: Evaluator<Nb201Cell>,
    private readonly part: SavedPart,
  ) {
    this.id = inner.id;
    this.scoreLabel = inner.scoreLabel;
  }

  prepare(ctx: RunContext): Promise<void> {
    return this.inner.prepare(ctx);
  }

  async evaluate(cell: Nb201Cell, ctx: RunContext): Promise<Evaluation> {
    const saved = this.part.evaluation(cell);
    if (!saved) return this.inner.evaluate(cell, ctx);
    this.inner.replayed(cell);
    return saved;
  }

  finalize(cell: Nb201Cell, ctx: RunContext): Promise<FinalReport> {
    return this.inner.finalize(cell, ctx);
  }

  snapshot(): Promise<EvaluatorState> {
    return this.inner.snapshot();
  }

  restore(ctx: RunContext, state: EvaluatorState): Promise<void> {
    return this.inner.restore(ctx, state);
  }

  replayed(cell: Nb201Cell): void {
    this.inner.replayed(cell);
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/**
 * Why `checkpoint` cannot continue the saved log `saved` of a run of `config`, or null when it
 * can: the same method, evaluator and seed, a run-start asking the same, and the saved log's
 * first `checkpoint.events` the very events the checkpoint was taken after.
 */
export function checkpointMismatch(checkpoint: RunCheckpoint, saved: readonly RunEvent[], config: RunConfig): string | null {
  if (checkpoint.version !== CHECKPOINT_VERSION) return `the checkpoint has version ${String(checkpoint.version)}; this page reads version ${CHECKPOINT_VERSION}`;
  if (checkpoint.method !== config.method || checkpoint.evaluator !== config.evaluator || checkpoint.seed !== config.seed) {
    return `the checkpoint belongs to ${checkpoint.method} with the ${checkpoint.evaluator} evaluator, seed ${checkpoint.seed}, not to this run (${config.method}, ${config.evaluator}, seed ${config.seed})`;
  }
  const first = saved[0];
  if (!first || first.type !== 'run-start') return 'the saved log does not open with run-start';
  if (canonicalJson(first.config) !== canonicalJson(config)) return 'the saved run-start asked for other settings than the run being continued';
  if (saved.some((e) => e.type === 'run-end')) return 'the saved run has ended: there is nothing to continue';
  if (saved.length < checkpoint.events) return `the saved log holds ${saved.length} events, fewer than the ${checkpoint.events} the checkpoint was taken after`;
  if (logHash(saved.slice(0, checkpoint.events)) !== checkpoint.prefixHash) return `the saved log's first ${checkpoint.events} events are not those the checkpoint was taken after`;
  return null;
}
