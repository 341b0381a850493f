import type { EvaluatorId } from '../core/config';
import type { RunContext } from '../core/runLoop';
import type { Cost } from '../core/cost';
import type { NamedValues } from '../nn/params';

export interface Evaluation {
  /** Higher is better. Its meaning is the evaluator's `scoreLabel`. */
  score: number;
  metrics: Record<string, number>;
  cost: Cost;
}

export interface FinalReport {
  metrics: Record<string, number>;
  cost: Cost;
  /** One line saying how the numbers were obtained (recipe or table column). */
  recipe: string;
}

/**
 * What a checkpoint keeps of an evaluator once `prepare` is done: the supernet's trained weights;
 * nothing for a table (a lookup) or standalone training (each candidate trains from scratch).
 */
export interface EvaluatorState {
  weights: NamedValues[];
}

/**
 * How a candidate gets its score. Methods see only this interface, so any method runs with any
 * evaluator: table lookup, shared weights, or standalone training.
 */
export interface Evaluator<A> {
  readonly id: EvaluatorId;
  readonly scoreLabel: string;
  /** One-time work before the search (e.g. training the supernet). */
  prepare(ctx: RunContext): Promise<void>;
  evaluate(arch: A, ctx: RunContext): Promise<Evaluation>;
  /** The found architecture's final numbers (retrained from scratch, or the table's reported column). */
  finalize(arch: A, ctx: RunContext): Promise<FinalReport>;
  /** Its state after `prepare`, read back as plain numbers (between steps, never inside one). */
  snapshot(): Promise<EvaluatorState>;
  /** Stands in for `prepare` when a run continues from a checkpoint: takes `state` instead of the work, and emits nothing. */
  restore(ctx: RunContext, state: EvaluatorState): Promise<void>;
  /**
   * A continued run answered this evaluation from the saved candidates instead of calling
   * `evaluate`: advance whatever `evaluate` advances (standalone's per-candidate stream), so
   * the evaluations after it are those of the uninterrupted run.
   */
  replayed(arch: A): void;
  dispose(): void;
}
