import type { BlockStructure } from '../../core/formats';
import type { RunConfig } from '../../core/config';
import { blockTrainTarget, runBlockMethod } from '../blockRun';
import type { RunEvent, Untimed } from '../../core/events';
import type { RunContext, RunController } from '../../core/runLoop';
import type { Dataset } from '../../data/datasets';
import { DeviceData, recipeText } from '../../nn/trainer';
import { teacherArchOf, teacherCost, type TeacherNetwork } from '../../nn/blocks/teacher';
import { type BlockArch, type BlockSpace, blockArchCost, blockArchToJson, blockSpaceShape, blockPaths, blockSpaceSize, defaultBlockSpace, describeBlockSpace, fixedCost, formatBlockArch, pathKey } from '../../spaces/blocks';
import { type BlockScoresData, type BudgetMetric, DNA_METHOD, type DnaEvent, type FinalEntry, type SearchSummary } from './events';
import { retrainBlockArch, sampleWithinBudget } from './final';
import { budgetLimit, searchProblem } from './problem';
import { infeasibleMessage, paretoFrontier, solveBoth } from './search';
import { checkDnaSettings, type DnaSettings, dnaSettingsOf } from './settings';
import { StudentSupernets } from './students';
import { liveProvenance, measureTeacher, shippedProvenance, type TeacherFiles, teacherFromFiles, teacherReadyData, teacherRecipe, trainTeacher } from './teacher';

/** What a DNA run needs from outside the engine: the loaded dataset and, for a shipped teacher, its files. */
export interface DnaResources {
  dataset?: Dataset;
  teacher?: TeacherFiles;
}

const method = (e: DnaEvent): Untimed<RunEvent> => ({ type: 'method', method: DNA_METHOD, kind: e.kind, data: e.data });

/**
 * Runs DNA end to end — teacher, block-wise distillation, rating of every path, budgeted search,
 * final retrain against the teacher and random architectures of the same budget — emitting the
 * same RunEvent types as runSearch (architectures as `{ space: 'blocks', arch }`). Errors become
 * a `run-end` event with status 'error', as in runSearch.
 *
 * With `trainArch`, trains that one block-space architecture from scratch instead (an imported
 * file's "train it"), built from `trainStructure` when the file carries one (blockTrainTarget).
 */
export async function runDna(config: RunConfig, res: DnaResources, controller: RunController, sink: (e: RunEvent) => void, trainArch?: string, trainStructure?: BlockStructure): Promise<void> {
  const settings = dnaSettingsOf(config);
  await runBlockMethod(config, controller, sink, {
    name: 'DNA',
    dataset: res.dataset,
    trainArch,
    problems: () => {
      const problems = checkDnaSettings(settings);
      return problems.length === 0 && trainArch === undefined ? budgetProblems(config, settings, res) : problems;
    },
    body: (ctx, data, owned) => (trainArch !== undefined ? trainOne(ctx, settings, res, data, trainArch, trainStructure) : search(ctx, settings, res, data, owned)),
  });
}

/** The block space a run searches: the teacher's skeleton (widths, strides, depths) with the settings' ops. */
export function runSpace(config: RunConfig, settings: DnaSettings, res: DnaResources): BlockSpace {
  const shipped = settings.teacher.source === 'pretrained' && res.teacher?.manifest.dataset === config.dataset ? res.teacher.manifest.architecture : null;
  const base = defaultBlockSpace(config.dataset, settings.ops);
  return shipped ? { ...base, inputShape: [...shipped.inputShape], stemChannels: shipped.stemChannels, stages: shipped.stages.map((s) => ({ ...s })), numClasses: shipped.numClasses } : base;
}

/** A budget no architecture meets is refused before anything trains (costs are known up front). */
function budgetProblems(config: RunConfig, settings: DnaSettings, res: DnaResources): string[] {
  const space = runSpace(config, settings, res);
  const p = searchProblem(space, space.stages.map((_, b) => blockPaths(space, b).map(() => 0)), settings.search.metric, budgetLimit(space, settings));
  const why = infeasibleMessage(p, settings.search.metric === 'params' ? 'parameters' : 'FLOPs');
  return why ? [why] : [];
}

async function obtainTeacher(ctx: RunContext, settings: DnaSettings, res: DnaResources, data: DeviceData, space: BlockSpace): Promise<{ net: TeacherNetwork; valAcc: number; testAcc: number }> {
  const files = res.teacher;
  if (settings.teacher.source === 'pretrained') {
    if (files && files.manifest.dataset === ctx.config.dataset) {
      ctx.emit({ type: 'phase', phase: 'setup', detail: `loading the shipped teacher for ${ctx.config.dataset} (trained ${files.manifest.date}, seed ${files.manifest.seed})` });
      const net = teacherFromFiles(files, ctx.rng.fork('dna/teacher'));
      const acc = await measureTeacher(net, data);
      ctx.emit(method({ kind: 'teacher-ready', data: teacherReadyData('pretrained', net, acc, shippedProvenance(files.manifest)) }));
      return { net, ...acc };
    }
    ctx.emit({ type: 'log', level: 'warn', message: `no shipped teacher for ${ctx.config.dataset} was loaded: training one live instead` });
  }
  const recipe = teacherRecipe(settings.teacher);
  ctx.emit({ type: 'phase', phase: 'setup', detail: `training the teacher live: ${recipeText(recipe)}` });
  const t = await trainTeacher(ctx, teacherArchOf(space), data, recipe, ctx.rng.fork('dna/teacher'));
  ctx.emit(method({ kind: 'teacher-ready', data: teacherReadyData('train', t.net, t, liveProvenance(recipe, ctx.config.seed)) }));
  return t;
}

async function search(ctx: RunContext, settings: DnaSettings, res: DnaResources, data: DeviceData, owned: { dispose(): void }[]): Promise<void> {
  const config = ctx.config;
  const space = runSpace(config, settings, res);
  const metric = settings.search.metric;
  const unit = metric === 'params' ? 'parameters' : 'FLOPs';
  const limit = budgetLimit(space, settings);
  const zero = searchProblem(space, space.stages.map((_, b) => blockPaths(space, b).map(() => 0)), metric, limit);
  ctx.emit({ type: 'phase', phase: 'setup', detail: `DNA on ${config.dataset}: ${describeBlockSpace(space)}; budget ${limit} ${unit}` });
  ctx.emit(
    method({
      kind: 'setup',
      data: {
        dataset: config.dataset,
        ...blockSpaceShape(space),
        pathsPerBlock: space.stages.map((_, b) => blockPaths(space, b).length),
        spaceSize: blockSpaceSize(space),
        summary: describeBlockSpace(space),
        fixedCost: fixedCost(space),
        metric,
        limit,
        minCost: zero.blocks.reduce((s, l) => s + Math.min(...l.map((c) => c.cost)), zero.fixedCost),
        maxCost: zero.blocks.reduce((s, l) => s + Math.max(...l.map((c) => c.cost)), zero.fixedCost),
        schedule: settings.students.schedule,
        stepsPerBlock: settings.students.stepsPerBlock,
        teacherSource: settings.teacher.source === 'pretrained' && res.teacher?.manifest.dataset === config.dataset ? 'pretrained' : 'train',
      },
    }),
  );

  const teacher = await obtainTeacher(ctx, settings, res, data, space);
  owned.push(teacher.net);

  const students = new StudentSupernets(space, teacher.net, data, settings, ctx.rng.fork('dna'));
  owned.push(students);
  ctx.emit({
    type: 'phase',
    phase: 'supernet',
    detail: `distilling ${space.stages.length} student blocks from the teacher (${settings.students.schedule}): ${settings.students.stepsPerBlock} steps each, one uniformly sampled path per step, MSE to the teacher's feature`,
    total: space.stages.length * settings.students.stepsPerBlock,
  });
  const scores: BlockScoresData[] = [];
  await students.train(ctx, async (b) => {
    ctx.emit({ type: 'phase', phase: 'supernet', detail: `rating all ${blockPaths(space, b).length} paths of block ${b + 1} on ${settings.rating.heldOut} held-out images (BN recalibrated on ${settings.rating.calibration} training images first)` });
    const s = await students.rate(ctx, b);
    scores[b] = s;
    ctx.emit(method({ kind: 'block-scores', data: s }));
    const best = s.candidates.reduce((a, c) => (c.score < a.score ? c : a));
    const cal = students.calibrationInput(b);
    try {
      await students.emitFeatureMap(ctx, b, best.ops, 'rated', cal);
    } finally {
      cal.dispose();
    }
  });

  ctx.emit({ type: 'phase', phase: 'search', detail: `choosing one path per block: smallest summed score within ${limit} ${unit} (exact dynamic programme and DNA's pruned traversal)` });
  const problem = searchProblem(space, scores.map((s) => s.candidates.map((c) => c.score)), metric, limit);
  const both = solveBoth(problem, unit);
  if (!both.exact.ok) throw new Error(both.exact.message);
  const archOf = (choice: number[]): BlockArch => ({ blocks: choice.map((i, b) => scores[b].candidates[i].ops) });
  const chosen = archOf(both.exact.answer.choice);
  const t = both.traversal.outcome;
  const frontier = paretoFrontier(problem).filter((f) => f.cost <= limit);
  const summary: SearchSummary = {
    metric,
    limit,
    ok: true,
    exact: { arch: formatBlockArch(chosen), score: both.exact.answer.score, cost: both.exact.answer.cost },
    traversal: t.ok ? { arch: formatBlockArch(archOf(t.answer.choice)), score: t.answer.score, cost: t.answer.cost, leavesVisited: both.traversal.leavesVisited, prunedByCost: both.traversal.prunedByCost, leaves: both.traversal.leaves } : undefined,
    agree: both.agree,
    gap: both.gap,
    frontier: frontier.map((f) => ({ arch: formatBlockArch(archOf(f.choice)), cost: f.cost, score: f.score })),
  };
  ctx.emit(method({ kind: 'search', data: summary }));
  ctx.emit({ type: 'log', level: 'info', message: both.agree ? `the traversal found the exact optimum (${t.ok ? both.traversal.leavesVisited : 0} of ${both.traversal.leaves} leaves evaluated)` : `the traversal missed the optimum by ${both.gap.toFixed(4)} in summed score` });

  // Candidates: the frontier within the budget, best summed score first (the first is the exact optimum).
  const listed = [...frontier].reverse().slice(0, 12).map((f) => ({ choice: f.choice, origin: 'cost–score Pareto frontier within the budget' }));
  if (t.ok && !listed.some((l) => l.choice.join() === t.answer.choice.join())) listed.push({ choice: t.answer.choice, origin: 'DNA traversal answer (pruned depth-first)' });
  listed.forEach((l, index) => {
    const arch = archOf(l.choice);
    const blockScores = l.choice.map((i, b) => scores[b].candidates[i].score);
    const sum = blockScores.reduce((a, b) => a + b, 0);
    ctx.emit({
      type: 'candidate',
      index,
      arch: { space: 'blocks', arch: formatBlockArch(arch) },
      score: -sum,
      metrics: { blockScoreSum: sum, ...Object.fromEntries(blockScores.map((s, b) => [`block${b + 1}Score`, s])) },
      cost: blockArchCost(arch, space),
      origin: index === 0 ? 'exact optimum (dynamic programme)' : l.origin,
    });
  });
  const chosenSum = both.exact.answer.score;

  if (!config.final.enabled) {
    ctx.emit({ type: 'final', arch: { space: 'blocks', arch: formatBlockArch(chosen) }, candidateIndex: 0, score: -chosenSum, metrics: { blockScoreSum: chosenSum, teacherTestAcc: teacher.testAcc }, cost: blockArchCost(chosen, space), recipe: 'final retrain disabled: search score only', structure: blockArchToJson(chosen, space) });
    return;
  }
  const randoms = sampleWithinBudget(space, metric, limit, settings.final.randomBaselines, ctx.rng.fork('dna/final/random'), [formatBlockArch(chosen)]);
  if (randoms.length < settings.final.randomBaselines) ctx.emit({ type: 'log', level: 'warn', message: `only ${randoms.length} random architecture(s) other than the chosen one fit the budget` });
  const total = 1 + randoms.length;
  ctx.emit({ type: 'phase', phase: 'final', detail: `retraining the chosen architecture and ${randoms.length} random one(s) of the same budget from scratch for ${config.final.epochs} epochs`, total });
  const entries: FinalEntry[] = [];
  const scoreOf = (a: BlockArch) => a.blocks.reduce((s, ops, b) => s + scores[b].candidates.find((c) => c.key === pathKey(ops))!.score, 0);
  const chosenResult = await retrainBlockArch(ctx, space, chosen, data, config.final, ctx.rng.fork(`dna/final/${formatBlockArch(chosen)}`), 'final', true, ctx.keepRetrained);
  entries.push({ role: 'chosen', arch: formatBlockArch(chosen), testAcc: chosenResult.testAcc!, valAcc: chosenResult.valAcc, cost: blockArchCost(chosen, space), blockScore: chosenSum });
  ctx.emit({ type: 'progress', done: 1, total, unit: 'retrains' });
  for (let i = 0; i < randoms.length; i++) {
    const a = randoms[i];
    const r = await retrainBlockArch(ctx, space, a, data, config.final, ctx.rng.fork(`dna/final/${formatBlockArch(a)}`), 'final', false);
    entries.push({ role: 'random', arch: formatBlockArch(a), testAcc: r.testAcc!, valAcc: r.valAcc, cost: blockArchCost(a, space), blockScore: scoreOf(a) });
    ctx.emit({ type: 'progress', done: 2 + i, total, unit: 'retrains' });
  }
  entries.push({ role: 'teacher', arch: 'teacher', testAcc: teacher.testAcc, valAcc: teacher.valAcc, cost: teacherCost(teacher.net.arch) });
  ctx.emit(method({ kind: 'final-check', data: { recipe: recipeText(config.final), metric, limit, entries } }));
  const randomAccs = entries.filter((e) => e.role === 'random').map((e) => e.testAcc);
  ctx.emit({
    type: 'final',
    arch: { space: 'blocks', arch: formatBlockArch(chosen) },
    candidateIndex: 0,
    score: -chosenSum,
    metrics: {
      testAcc: chosenResult.testAcc!,
      valAcc: chosenResult.valAcc,
      testLoss: chosenResult.testLoss!,
      valLoss: chosenResult.valLoss,
      trainLoss: chosenResult.trainLoss,
      blockScoreSum: chosenSum,
      teacherTestAcc: teacher.testAcc,
      ...(randomAccs.length ? { randomTestAccMean: randomAccs.reduce((a, b) => a + b, 0) / randomAccs.length } : {}),
    },
    cost: blockArchCost(chosen, space),
    recipe: recipeText(config.final),
    structure: blockArchToJson(chosen, space),
  });
}

async function trainOne(ctx: RunContext, settings: DnaSettings, res: DnaResources, data: DeviceData, text: string, structure: BlockStructure | undefined): Promise<void> {
  const { space, arch: target } = blockTrainTarget(text, structure, ctx.config.dataset, () => runSpace(ctx.config, settings, res));
  const arch = formatBlockArch(target);
  ctx.emit({ type: 'phase', phase: 'final', detail: `training ${arch} from scratch for ${ctx.config.final.epochs} epochs` });
  const r = await retrainBlockArch(ctx, space, target, data, ctx.config.final, ctx.rng.fork(`dna/final/${arch}`), 'final', true, ctx.keepRetrained);
  ctx.emit({
    type: 'final',
    arch: { space: 'blocks', arch },
    candidateIndex: -1,
    score: r.valAcc,
    metrics: { testAcc: r.testAcc!, valAcc: r.valAcc, testLoss: r.testLoss!, valLoss: r.valLoss, trainLoss: r.trainLoss },
    cost: blockArchCost(target, space),
    recipe: recipeText(ctx.config.final),
    structure: blockArchToJson(target, space),
  });
}

export type { BudgetMetric };
