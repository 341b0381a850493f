import { blockPaths, defaultBlockSpace } from '../../spaces/blocks';
import type { MethodPlugin } from '../contract';
import { isShippedDataset } from '../../data/datasets';
import { isDnaEvent } from './events';
import { pixelFactor, stepsPerEpoch, WORK_COST, type WorkStage } from '../workCost';
import { checkDnaSettings, defaultDnaSettings, dnaSettingsOf, dnaSettingsSchema } from './settings';
import type { TeacherFiles } from './teacher';

export const dnaPlugin: MethodPlugin<TeacherFiles> = {
  id: 'dna',
  title: 'DNA — block-wise distillation',
  summary: 'Trains each block of the network against a teacher block, rates every candidate, then picks one per block under a budget.',
  available: true,
  space: 'blocks',
  budget: null,
  bound: 'DNA rates every path of every block, so it has no candidate budget: its run is as long as the student training (steps per block) and the final retrains, and its budget is a limit on the chosen network’s parameters or FLOPs (method settings → search).',
  presets: { quick: { final: { epochs: 1 }, methodSettings: { students: { stepsPerBlock: 80 }, final: { randomBaselines: 1 } } }, thorough: {} },
    views: {
      scoreAxis: 'score = − summed block distance to the teacher (no unit; nearer 0 is better)',
      candidateAxis: 'architecture # (the budgeted search’s optimum, then its cost–score frontier)',
      evaluatorUnused: 'Not used by DNA: it rates every path by how closely each student block reproduces the teacher’s block.',
      trainingChart: 'Student blocks train first: their losses are in DNA’s view.',
      trainingNote: 'DNA’s student blocks learn the teacher’s features first; their losses (MSE to the teacher, per block) are drawn in the method’s view. This chart shows the final retrains: the chosen chain and the random baselines, trained from scratch.',
      progressUnits: { 'student steps': 'student-block training steps (all blocks)', retrains: 'final retrains (the pick, then random chains of the same budget)' },
      metricLabels: {
        blockScoreSum: 'summed block distance to the teacher (lower is better)',
        block1Score: 'block 1 distance to the teacher',
        block2Score: 'block 2 distance to the teacher',
        block3Score: 'block 3 distance to the teacher',
        block4Score: 'block 4 distance to the teacher',
        block5Score: 'block 5 distance to the teacher',
        teacherTestAcc: 'the teacher’s test accuracy %',
        randomTestAccMean: 'random chains within the budget: mean test accuracy %',
      },
    },
  needs: { dataset: 'always' },
  resume: { checkpoint: false, why: 'a whole run with its own supernet, students and teacher: no checkpoint is taken' },
  async loadFiles(dataset, read) {
    // The shipped teacher of the dataset; without one (a learner's own images) DNA trains its teacher live.
    if (!isShippedDataset(dataset)) return undefined;
    const { loadTeacherFiles } = await import('./teacher');
    return loadTeacherFiles(dataset, read).catch(() => undefined);
  },
  defaultSettings: (dataset) => defaultDnaSettings(dataset),
  settingsSchema: dnaSettingsSchema,
  events: isDnaEvent,
  checkSettings: (c) => checkDnaSettings(dnaSettingsOf(c)),
  planWork(config) {
    const f = pixelFactor(config.dataset);
    const s = dnaSettingsOf(config);
    const space = defaultBlockSpace(config.dataset, s.ops);
    const blocks = space.stages.length;
    const paths = space.stages.reduce((n, _, b) => n + blockPaths(space, b).length, 0);
    const teacher: WorkStage[] =
      s.teacher.source === 'train'
        ? [{ label: 'teacher training', units: s.teacher.epochs * stepsPerEpoch(config.dataset, s.teacher.batchSize), unit: 'steps', cost: WORK_COST.blockStep * f * (s.teacher.batchSize / 64), counter: { kind: 'none' } }]
        : [];
    return [
      ...teacher,
      { label: 'student blocks', units: blocks * s.students.stepsPerBlock, unit: 'student steps', cost: WORK_COST.dnaStudentStep * f * (s.students.batchSize / 16), counter: { kind: 'progress', unit: 'student steps' } },
      { label: 'rating every path', units: paths, unit: 'paths', cost: WORK_COST.dnaRatePath * f, counter: { kind: 'none' } },
      // Only the chosen network's retraining is drawn step by step; every retrain reports when done.
      ...(config.final.enabled
        ? [{ label: `final retrains (${1 + s.final.randomBaselines})`, units: 1 + s.final.randomBaselines, unit: 'retrains', cost: config.final.epochs * stepsPerEpoch(config.dataset, config.final.batchSize) * WORK_COST.blockStep * f * (config.final.batchSize / 64), counter: { kind: 'progress', unit: 'retrains' } } satisfies WorkStage]
        : []),
    ];
  },
  async load() {
    const { runDna } = await import('./run');
    return { kind: 'whole-run', run: (config, res, controller, sink, trainArch, trainStructure) => runDna(config, { dataset: res.dataset, teacher: res.files }, controller, sink, trainArch, trainStructure) };
  },
};
