import type { EvaluatorId } from '../core/config';
import type { RunContext } from '../core/runLoop';
import type { Cost } from '../core/cost';

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
  dispose(): void;
}
