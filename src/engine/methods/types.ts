import type { MethodId } from '../core/config';
import type { RunContext } from '../core/runLoop';
import type { Evaluator } from '../evaluate/types';
import type { Nb201Cell } from '../spaces/nb201';

/** A search method: spends the budget through an evaluator and ends with a `final` event. */
export interface SearchMethod {
  id: MethodId;
  title: string;
  summary: string;
  run(ctx: RunContext, evaluator: Evaluator<Nb201Cell>): Promise<void>;
}
