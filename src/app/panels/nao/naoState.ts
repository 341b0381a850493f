import type { RunEvent } from '../../../engine/core/events';
import type {
  NaoEmbeddingData,
  NaoGenerationData,
  NaoHoldoutData,
  NaoLandscapeData,
  NaoPlanData,
  NaoPoolData,
  NaoSummaryData,
} from '../../../engine/methods/nao/events';
import { isNaoEvent } from '../../../engine/methods/nao/events';
import type { EpochLoss } from '../../../engine/methods/nao/events';

/** One NAO round as the page sees it; parts arrive one after another while the round runs. */
export interface NaoRound {
  iteration: number;
  losses: EpochLoss[];
  embedding?: NaoEmbeddingData;
  generation?: NaoGenerationData;
  landscape?: NaoLandscapeData;
  holdout?: NaoHoldoutData;
  pool?: NaoPoolData;
}

export interface NaoModel {
  plan?: NaoPlanData;
  /** Round 0 (the initial pool) has only `pool`. */
  rounds: NaoRound[];
  pools: NaoPoolData[];
  summary?: NaoSummaryData;
}

/** Folds the run's method events into NAO's view state. Pure: the same events give the same model. */
export function foldNao(events: readonly RunEvent[]): NaoModel {
  const m: NaoModel = { rounds: [], pools: [] };
  const round = (it: number): NaoRound => {
    let r = m.rounds.find((x) => x.iteration === it);
    if (!r) {
      r = { iteration: it, losses: [] };
      m.rounds.push(r);
      m.rounds.sort((a, b) => a.iteration - b.iteration);
    }
    return r;
  };
  for (const e of events) {
    if (!isNaoEvent(e)) continue;
    switch (e.kind) {
      case 'plan':
        m.plan = e.data;
        break;
      case 'loss':
        round(e.data.iteration).losses.push(...e.data.rows);
        break;
      case 'embedding':
        round(e.data.iteration).embedding = e.data;
        break;
      case 'generation':
        round(e.data.iteration).generation = e.data;
        break;
      case 'landscape':
        round(e.data.iteration).landscape = e.data;
        break;
      case 'holdout':
        round(e.data.iteration).holdout = e.data;
        break;
      case 'pool':
        m.pools.push(e.data);
        if (e.data.iteration > 0) round(e.data.iteration).pool = e.data;
        break;
      case 'summary':
        m.summary = e.data;
        break;
    }
  }
  return m;
}

/** The rounds that reached the embedding (the ones the embedding plot can show). */
export function drawableRounds(m: NaoModel): NaoRound[] {
  return m.rounds.filter((r) => r.iteration > 0 && r.embedding);
}

/** η at which each seed's decode first differs from the seed; null when it never did. */
export function firstChange(g: NaoGenerationData): (number | null)[] {
  return g.trajectories.map((t) => t.steps.find((s) => !s.reproducesSeed)?.eta ?? null);
}
