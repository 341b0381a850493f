import { Rng } from '../../src/engine/core/rng';
import { type BlockArch, defaultBlockSpace, formatBlockArch, sampleBlockArch } from '../../src/engine/spaces/blocks';

/** The block-space ground truth's sample (public/benchmarks/blocks-digits.csv, built by scripts/harness/dna-ranking.harness.ts). */
export const BLOCK_TRUTH_COUNT = 40;
export const BLOCK_TRUTH_SAMPLE_SEED = 2020;

/** Distinct architectures, uniform over the default digits block space, from a fixed seed. */
export function blockTruthSample(): BlockArch[] {
  const space = defaultBlockSpace('digits');
  const rng = new Rng(BLOCK_TRUTH_SAMPLE_SEED).fork('dna/truth/sample');
  const seen = new Set<string>();
  const out: BlockArch[] = [];
  while (out.length < BLOCK_TRUTH_COUNT) {
    const a = sampleBlockArch(space, rng);
    if (seen.has(formatBlockArch(a))) continue;
    seen.add(formatBlockArch(a));
    out.push(a);
  }
  return out;
}
