import { formatCell } from '../../spaces/nb201';
import type { NaoGenerationData, NaoStepStatus, NaoTrajectory } from './events';
import { SEQ_LEN, type TokenCodec } from './encoding';
import { SeedMover } from './infer';
import type { EncoderPredictorDecoder } from './model';
import { project, type Projection } from './pca';

export interface Seed {
  arch: string;
  tokens: number[];
  candidateIndex: number;
  score: number;
  predicted: number;
  x: number;
  y: number;
}

export interface GenerateOptions {
  quota: number;
  etaStep: number;
  etaMax: number;
  /** Architectures already in the pool: a decode of one of these is not new. */
  inPool: (arch: string) => boolean;
  /** Maps f in (0, 1) back to score units. */
  toScore: (f: number) => number;
  checkpoint: () => Promise<void>;
}

export type Generation = Omit<NaoGenerationData, 'iteration' | 'accepted'> & {
  accepted: { arch: string; tokens: number[]; eta: number; seed: number; predictedAtMove: number; x: number; y: number }[];
};

/**
 * NAO's search step: for η = step, 2·step, … move every seed along ∂f/∂h_t and decode it; keep a
 * decode when it is in neither the pool nor the already accepted, until the quota is met or η
 * passes its cap. Records every seed's path for the page.
 */
export async function generate(model: EncoderPredictorDecoder, codec: TokenCodec, seeds: Seed[], pca: Projection, o: GenerateOptions): Promise<Generation> {
  const accepted: Generation['accepted'] = [];
  const taken = new Set<string>();
  const trajectories: NaoTrajectory[] = seeds.map((s) => ({
    seedArch: s.arch,
    seedCandidateIndex: s.candidateIndex,
    seedScore: s.score,
    seedPredicted: s.predicted,
    x: s.x,
    y: s.y,
    steps: [],
  }));
  const previous = seeds.map((s) => s.arch);
  const reproducedSeedByEta: number[] = [];
  let stoppedBecause: Generation['stoppedBecause'] = 'quota';
  let etaReached = 0;
  const mover = new SeedMover(model, seeds.map((s) => s.tokens));
  try {
    for (let k = 1; accepted.length < o.quota; k++) {
      const eta = k * o.etaStep;
      if (eta > o.etaMax + 1e-9) {
        stoppedBecause = 'eta-cap';
        break;
      }
      await o.checkpoint();
      etaReached = eta;
      const d = await mover.move(eta);
      const xy = project(pca, d.embeddings);
      let reproduced = 0;
      seeds.forEach((seed, i) => {
        const tokens = Array.from(d.tokens.subarray(i * SEQ_LEN, (i + 1) * SEQ_LEN));
        const arch = formatCell(codec.decode(tokens));
        let status: NaoStepStatus;
        if (o.inPool(arch)) status = 'in-pool';
        else if (taken.has(arch)) status = 'repeat';
        else if (accepted.length >= o.quota) status = 'over-quota';
        else {
          status = 'accepted';
          taken.add(arch);
          accepted.push({ arch, tokens, eta, seed: i, predictedAtMove: o.toScore(d.predicted[i]), x: xy[i][0], y: xy[i][1] });
        }
        if (arch === seed.arch) reproduced++;
        trajectories[i].steps.push({
          eta,
          x: xy[i][0],
          y: xy[i][1],
          predicted: o.toScore(d.predicted[i]),
          arch,
          changed: arch !== previous[i],
          reproducesSeed: arch === seed.arch,
          status,
        });
        previous[i] = arch;
      });
      reproducedSeedByEta.push(reproduced);
    }
  } finally {
    mover.dispose();
  }
  return { quota: o.quota, etaReached, stoppedBecause, trajectories, accepted, reproducedSeedByEta };
}
