import * as tf from '@tensorflow/tfjs';
import { withDefaults } from '../../core/config';
import type { RunEvent } from '../../core/events';
import { makeContext, RunController } from '../../core/runLoop';
import type { Dataset } from '../../data/datasets';
import { DeviceData } from '../../nn/trainer';
import type { TeacherNetwork } from '../../nn/blocks/teacher';
import { type BlockArch, type BlockSpace, blockArchFromString, pathKey } from '../../spaces/blocks';
import type { BlockScoresData } from './events';
import { runSpace } from './run';
import { type DnaSettingsInput, dnaSettingsOf } from './settings';
import { StudentSupernets } from './students';
import { measureTeacher, type TeacherFiles, teacherFromFiles, teacherRecipe, trainTeacher } from './teacher';

/**
 * DNA's ranking of block-space architectures, for `npm run bench` and the ranking study in
 * docs/dna.md: the teacher (shipped, or trained when no files are given), the block-wise
 * distillation, the rating of every path — exactly the run's code — and then an architecture's
 * score is the sum of its paths' block scores (lower is better).
 */
export interface DnaRankingOptions {
  dataset: Dataset;
  /** The shipped teacher's files; without them a teacher is trained first with the settings' recipe. */
  teacher?: TeacherFiles;
  seed: number;
  /** Overrides of the DNA settings (students, rating, ops …). */
  settings?: DnaSettingsInput;
  /** Receives the run's events (block losses, block scores …) as they happen. */
  onEvent?: (e: RunEvent) => void;
}

export interface DnaBlockRating {
  space: BlockSpace;
  blocks: BlockScoresData[];
  teacher: { valAcc: number; testAcc: number; source: 'pretrained' | 'train' };
  seconds: number;
}

/** Trains the student blocks and rates every path of every block. */
export async function rateBlocks(o: DnaRankingOptions): Promise<DnaBlockRating> {
  const t0 = Date.now();
  const config = withDefaults({ method: 'dna', dataset: o.dataset.info.id, seed: o.seed, methodSettings: { dna: (o.settings ?? {}) as Record<string, unknown> } });
  const settings = dnaSettingsOf(config);
  if (!o.teacher) settings.teacher.source = 'train';
  const controller = new RunController();
  controller.start();
  const ctx = makeContext(config, controller, (e) => o.onEvent?.(e), tf.getBackend(), () => Date.now());
  const space = runSpace(config, settings, { dataset: o.dataset, teacher: o.teacher });
  const data = new DeviceData(o.dataset);
  let teacher: TeacherNetwork | null = null;
  let students: StudentSupernets | null = null;
  try {
    let acc: { valAcc: number; testAcc: number };
    if (o.teacher) {
      teacher = teacherFromFiles(o.teacher, ctx.rng.fork('dna/teacher'));
      acc = await measureTeacher(teacher, data);
    } else {
      const t = await trainTeacher(ctx, { inputShape: space.inputShape, stemChannels: space.stemChannels, stages: space.stages, numClasses: space.numClasses }, data, teacherRecipe(settings.teacher), ctx.rng.fork('dna/teacher'), false);
      teacher = t.net;
      acc = t;
    }
    students = new StudentSupernets(space, teacher, data, settings, ctx.rng.fork('dna'));
    const blocks: BlockScoresData[] = [];
    const st = students;
    await st.train(ctx, async (b) => {
      blocks[b] = await st.rate(ctx, b);
    });
    return { space, blocks, teacher: { ...acc, source: o.teacher ? 'pretrained' : 'train' }, seconds: (Date.now() - t0) / 1000 };
  } finally {
    students?.dispose();
    teacher?.dispose();
    data.dispose();
  }
}

/** Summed block score of an architecture (lower is better): DNA's predicted quality. */
export function blockScoreOf(arch: BlockArch, blocks: readonly BlockScoresData[], metric: 'score' | 'mse' | 'mseOverVar' = 'score'): number {
  return arch.blocks.reduce((s, ops, b) => {
    const key = pathKey(ops);
    const c = blocks[b].candidates.find((x) => x.key === key);
    if (!c) throw new Error(`block ${b + 1}: path ${key} was not rated`);
    return s + c[metric];
  }, 0);
}

/**
 * DNA's ranking of the given architectures: one score each, higher is better (the negated
 * summed block score), so it can be correlated with accuracy directly.
 */
export async function dnaRanking(archs: readonly (string | BlockArch)[], o: DnaRankingOptions): Promise<{ scores: number[]; rating: DnaBlockRating }> {
  const rating = await rateBlocks(o);
  const parsed = archs.map((a) => (typeof a === 'string' ? blockArchFromString(a, rating.space) : a));
  return { scores: parsed.map((a) => -blockScoreOf(a, rating.blocks)), rating };
}

/**
 * The bench's ranker shape (scripts/bench.ts `RANKERS`): block-space architecture strings in,
 * one score each out (higher is better), with the training time and a one-line note.
 */
export async function dnaRankingScores(
  archs: string[],
  dataset: Dataset,
  seed: number,
  teacher?: TeacherFiles,
  settings?: DnaSettingsInput,
): Promise<{ scores: number[]; trainSeconds: number; note: string }> {
  const { scores, rating } = await dnaRanking(archs, { dataset, seed, teacher, settings });
  const s = dnaSettingsOf(withDefaults({ method: 'dna', dataset: dataset.info.id, seed, methodSettings: { dna: (settings ?? {}) as Record<string, unknown> } }));
  const note = `teacher ${rating.teacher.source === 'pretrained' ? 'shipped' : 'trained'} (${rating.teacher.testAcc.toFixed(2)}% test); ${s.students.stepsPerBlock} steps per block, batch ${s.students.batchSize}, Adam lr ${s.students.lr}; every path rated on ${s.rating.heldOut} held-out images after BN recalibration on ${s.rating.calibration}; score = −Σ_blocks mean|ŷ−y|/std(y)`;
  return { scores, trainSeconds: rating.seconds, note };
}
