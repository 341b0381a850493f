import type { RunContext } from '../../core/runLoop';
import type { Evaluator } from '../../evaluate/types';
import { formatCell, mutateCell, NB201_EDGES, sampleCell, spaceOps, type Nb201Cell } from '../../spaces/nb201';
import { type Candidate, CandidateLog, reportFinal } from '../common';
import type { SearchMethod } from '../types';
import { evolutionSettings } from './settings';

/**
 * Regularised (aging) evolution, Real et al. AAAI 2019, as NAS-Bench-201's REA baseline runs it:
 * fill a population of P random cells; then each cycle draws S members uniformly (with
 * replacement), mutates one edge of the fittest, evaluates the child, appends it and removes the
 * OLDEST member — not the worst. Age-based removal is what "regularised" means: a lucky score
 * cannot stay in the population forever. The final pick is the best of the whole history.
 */
export { EVOLUTION_DEFAULTS, EVOLUTION_SETTING_HELP, type EvolutionSettings, evolutionSettings } from './settings';

/** Payloads of the `{ type: 'method', method: 'evolution' }` events the live view draws. */
export type { EvolutionConfigData, EvolutionEvent, EvolutionMutationData, EvolutionPopulationData } from './events';
import type { EvolutionEvent } from './events';
import { methodEvent } from '../../core/events';

function emitEvolution(ctx: RunContext, e: EvolutionEvent): void {
  ctx.emit(methodEvent('evolution', e));
}

/** Index of the edge where two cells differ (the mutation changes exactly one). */
function changedEdge(a: Nb201Cell, b: Nb201Cell): number {
  return a.ops.findIndex((op, e) => op !== b.ops[e]);
}

export const regularizedEvolution: SearchMethod = {
  async run(ctx: RunContext, evaluator: Evaluator<Nb201Cell>) {
    const s = evolutionSettings(ctx.config);
    const ops = spaceOps(ctx.config.space);
    const budget = ctx.config.budget;
    const log = new CandidateLog(ctx, evaluator, budget);
    const initRng = ctx.rng.fork('evolution/init');
    const tournamentRng = ctx.rng.fork('evolution/tournament');
    const mutateRng = ctx.rng.fork('evolution/mutate');
    /** Alive members, oldest first. */
    const population: Candidate[] = [];

    emitEvolution(ctx, { kind: 'config', data: { populationSize: s.populationSize, sampleSize: s.sampleSize, ops: [...ops], budget } });
    const initial = Math.min(s.populationSize, budget);
    ctx.emit({ type: 'phase', phase: 'search', detail: `evolution: ${initial} random cells start the population (P = ${s.populationSize}, S = ${s.sampleSize})`, total: budget });
    while (population.length < initial) {
      const c = await log.evaluate(sampleCell(initRng, ops), 'initial population: uniform sample');
      population.push(c);
      emitEvolution(ctx, {
        kind: 'population',
        data: { cycle: 0, added: c.index, addedArch: c.arch, addedScore: c.score, removed: null, parentIndex: null, edge: null, population: population.map((m) => m.index) },
      });
    }

    let cycle = 0;
    while (!log.exhausted) {
      cycle++;
      const sample: Candidate[] = [];
      for (let k = 0; k < s.sampleSize; k++) sample.push(population[tournamentRng.int(population.length)]);
      // The fittest of the sample; ties go to the earlier draw, so the outcome depends on the seed only.
      const parent = sample.reduce((best, m) => (m.score > best.score ? m : best));
      const childCell = mutateCell(parent.cell, mutateRng, ops);
      const edge = changedEdge(parent.cell, childCell);
      const [from, to] = NB201_EDGES[edge];
      emitEvolution(ctx, {
        kind: 'mutation',
        data: {
          cycle,
          sample: sample.map((m) => m.index),
          parentIndex: parent.index,
          parentArch: parent.arch,
          edge,
          from,
          to,
          fromOp: parent.cell.ops[edge],
          toOp: childCell.ops[edge],
          childArch: formatCell(childCell),
        },
      });
      const child = await log.evaluate(childCell, `mutation of #${parent.index}: edge ${from}→${to} ${parent.cell.ops[edge]} → ${childCell.ops[edge]}`);
      population.push(child);
      const removed = population.shift()!;
      emitEvolution(ctx, {
        kind: 'population',
        data: { cycle, added: child.index, addedArch: child.arch, addedScore: child.score, removed: removed.index, parentIndex: parent.index, edge, population: population.map((m) => m.index) },
      });
    }
    await reportFinal(ctx, evaluator, log.best!);
  },
};
