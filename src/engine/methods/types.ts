import type { RunContext } from '../core/runLoop';
import type { Evaluator } from '../evaluate/types';
import type { Nb201Cell } from '../spaces/nb201';

/**
 * An NB-201 search: spends the budget through an evaluator and ends with a `final` event. Its
 * name, title and the rest of what the page shows are its plugin's (contract.ts).
 */
export interface SearchMethod {
  run(ctx: RunContext, evaluator: Evaluator<Nb201Cell>): Promise<void>;
}
