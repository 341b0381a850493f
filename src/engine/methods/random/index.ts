import type { RunContext } from '../../core/runLoop';
import type { Evaluator } from '../../evaluate/types';
import { sampleCell, spaceOps, type Nb201Cell } from '../../spaces/nb201';
import { CandidateLog, reportFinal } from '../common';
import type { SearchMethod } from '../types';

/** Random search: uniform samples from the space, the best by search score wins. The baseline every NAS result must beat. */
export const randomSearch: SearchMethod = {
  async run(ctx: RunContext, evaluator: Evaluator<Nb201Cell>) {
    const log = new CandidateLog(ctx, evaluator, ctx.config.budget);
    const rng = ctx.rng.fork('random/sample');
    ctx.emit({ type: 'phase', phase: 'search', detail: `sampling ${ctx.config.budget} cells uniformly`, total: ctx.config.budget });
    while (!log.exhausted) await log.evaluate(sampleCell(rng, spaceOps(ctx.config.space)), 'uniform sample');
    await reportFinal(ctx, evaluator, log.best!);
  },
};
