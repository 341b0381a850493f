/**
 * Trains DNA's teacher and writes it to public/teachers/<dataset>/: manifest.json (architecture,
 * recipe, seed, dataset and preprocessing, accuracy, library versions, date, the command) and
 * weights.bin (float32, little-endian, offsets in the manifest).
 *
 *   npx tsx --import ./scripts/tfjs-es2017.mjs scripts/train-teacher.ts --dataset digits --seed 1
 *   npx tsx --import ./scripts/tfjs-es2017.mjs scripts/train-teacher.ts --dataset fashion --seed 1 --epochs 4
 *
 * The same code trains the teacher live in the page (DNA's first phase when the teacher source is
 * "train"); only the output differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadDatasetFromDisk, REPO_ROOT, useCpuBackend } from '../src/cli/nodeIo';
import { withDefaults } from '../src/engine/core/config';
import { makeContext, RunController } from '../src/engine/core/runLoop';
import type { DatasetId } from '../src/engine/data/datasets';
import { DeviceData, recipeText } from '../src/engine/nn/trainer';
import { DNA_METHOD } from '../src/engine/methods/dna/events';
import { defaultDnaSettings } from '../src/engine/methods/dna/settings';
import { TEACHER_SCHEMA_VERSION, type TeacherManifest, teacherRecipe, trainTeacher } from '../src/engine/methods/dna/teacher';
import { TEACHER_LAYER, teacherArchOf, teacherCost } from '../src/engine/nn/blocks/teacher';
import { exportWeights } from '../src/engine/nn/blocks/weights';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { defaultBlockSpace } from '../src/engine/spaces/blocks';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'digits' },
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string' },
    out: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const dataset = values.dataset as DatasetId;
  if (dataset !== 'digits' && dataset !== 'fashion') throw new Error(`unknown dataset "${dataset}" (digits, fashion)`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  await useCpuBackend();
  installFastCpuKernels();
  installFastDepthwiseKernels();
  const ds = await loadDatasetFromDisk(dataset);
  const settings = defaultDnaSettings(dataset);
  if (values.epochs) settings.teacher.epochs = Number(values.epochs);
  const recipe = teacherRecipe(settings.teacher);
  const arch = teacherArchOf(defaultBlockSpace(dataset));
  const config = withDefaults({ method: 'dna', dataset, seed });
  const controller = new RunController();
  controller.start();
  const t0 = Date.now();
  const ctx = makeContext(config, controller, (e) => {
    if (e.type === 'method' && e.method === DNA_METHOD && e.kind === 'teacher-epoch') {
      const d = e.data as { epoch: number; valAcc: number; valLoss: number };
      process.stderr.write(`epoch ${d.epoch}: val acc ${d.valAcc.toFixed(2)}%  val loss ${d.valLoss.toFixed(4)}  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  }, tf.getBackend(), () => Date.now());
  const data = new DeviceData(ds);
  // The same stream a live run with this seed uses for its teacher (run.ts: ctx.rng.fork('dna/teacher')).
  const t = await trainTeacher(ctx, arch, data, recipe, ctx.rng.fork('dna/teacher'), false);
  const { entries, data: floats } = await exportWeights(t.net.store);
  const outDir = values.out ?? path.join(REPO_ROOT, 'public', 'teachers', dataset);
  mkdirSync(outDir, { recursive: true });
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  floats.forEach((v, i) => view.setFloat32(4 * i, v, true));
  const manifest: TeacherManifest = {
    schemaVersion: TEACHER_SCHEMA_VERSION,
    kind: 'dna-teacher',
    dataset,
    architecture: { ...arch, layer: TEACHER_LAYER, head: 'global average pool → linear' },
    recipe: { ...recipe, text: recipeText(recipe) },
    seed,
    accuracy: { val: round(t.valAcc), test: round(t.testAcc) },
    preprocessing: ds.preprocessing,
    library: { tfjs: tf.version.tfjs, backend: `${tf.getBackend()} (with the project's fast CPU kernels)`, runtime: `Node ${process.version}` },
    date: new Date().toISOString().slice(0, 10),
    command: `npx tsx --import ./scripts/tfjs-es2017.mjs scripts/train-teacher.ts --dataset ${dataset} --seed ${seed}${values.epochs ? ` --epochs ${values.epochs}` : ''}`,
    cost: teacherCost(arch),
    weights: { file: 'weights.bin', dtype: 'float32', littleEndian: true, floats: floats.length, tensors: entries },
  };
  writeFileSync(path.join(outDir, 'weights.bin'), bytes);
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`teacher for ${dataset}: val ${t.valAcc.toFixed(2)}%, test ${t.testAcc.toFixed(2)}%, ${manifest.cost.params} parameters; wrote ${path.relative(REPO_ROOT, outDir)}/ in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  t.net.dispose();
  data.dispose();
}

const round = (x: number) => Math.round(x * 100) / 100;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  },
);
