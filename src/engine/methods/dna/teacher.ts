import * as tf from '@tensorflow/tfjs';
import type { StandaloneSettings } from '../../core/config';
import type { RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import type { DatasetId, Preprocessing } from '../../data/datasets';
import { type DeviceData, evaluateSplit, recipeText } from '../../nn/trainer';
import { type TeacherArch, TEACHER_LAYER, teacherCost, TeacherNetwork } from '../../nn/blocks/teacher';
import { trainClassifier } from '../../nn/blocks/train';
import { importWeights, type WeightEntry } from '../../nn/blocks/weights';
import type { BlockStage } from '../../spaces/blocks';
import { DNA_METHOD, type DnaEvent, type TeacherReadyData } from './events';
import type { DnaSettings } from './settings';

/**
 * The teacher's two ways in: weights shipped in public/teachers/<dataset>/ (trained by
 * scripts/train-teacher.ts, with a manifest saying how), or trained live as the run's first phase.
 */
export const TEACHER_SCHEMA_VERSION = 1;

export interface TeacherManifest {
  schemaVersion: number;
  kind: 'dna-teacher';
  dataset: DatasetId;
  architecture: TeacherArch & { layer: string; head: string };
  recipe: StandaloneSettings & { text: string };
  seed: number;
  accuracy: { val: number; test: number };
  preprocessing: Preprocessing;
  library: { tfjs: string; backend: string; runtime: string };
  date: string;
  command: string;
  cost: { params: number; flops: number };
  weights: { file: string; dtype: 'float32'; littleEndian: true; floats: number; tensors: WeightEntry[] };
}

export interface TeacherFiles {
  manifest: TeacherManifest;
  weights: Float32Array;
}

/** Where the shipped teacher of a dataset lives, relative to the public folder. */
export const teacherPath = (dataset: DatasetId, file = 'manifest.json') => `teachers/${dataset}/${file}`;

/** Reads a shipped teacher through a file reader (fetch in the worker, fs in Node), relative to the public folder. */
export async function loadTeacherFiles(dataset: DatasetId, read: (relPath: string) => Promise<Uint8Array>): Promise<TeacherFiles> {
  const manifest = JSON.parse(new TextDecoder().decode(await read(teacherPath(dataset)))) as unknown;
  const m = checkManifest(manifest, dataset);
  const bytes = await read(teacherPath(dataset, m.weights.file));
  return { manifest: m, weights: floatsOf(bytes, m.weights.floats) };
}

function floatsOf(bytes: Uint8Array, floats: number): Float32Array {
  if (bytes.byteLength !== floats * 4) throw new Error(`teacher weights: expected ${floats * 4} bytes, got ${bytes.byteLength}`);
  // Copy into an aligned buffer (a Uint8Array view may start at any offset); the file is little-endian.
  const out = new Float32Array(floats);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < floats; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

export function checkManifest(raw: unknown, dataset?: DatasetId): TeacherManifest {
  const m = raw as TeacherManifest;
  if (!m || m.kind !== 'dna-teacher') throw new Error('not a DNA teacher manifest (kind must be "dna-teacher")');
  if (m.schemaVersion !== TEACHER_SCHEMA_VERSION) throw new Error(`teacher manifest schema ${m.schemaVersion}, this build reads ${TEACHER_SCHEMA_VERSION}`);
  if (dataset && m.dataset !== dataset) throw new Error(`the teacher was trained on ${m.dataset}, the run uses ${dataset}`);
  if (!m.architecture || !Array.isArray(m.architecture.stages) || m.architecture.stages.length === 0) throw new Error('teacher manifest: architecture.stages missing');
  if (!m.weights || !Array.isArray(m.weights.tensors)) throw new Error('teacher manifest: weights.tensors missing');
  return m;
}

/** Builds the teacher network and loads shipped weights into it. */
export function teacherFromFiles(files: TeacherFiles, rng: Rng): TeacherNetwork {
  const a = files.manifest.architecture;
  const arch: TeacherArch = { inputShape: a.inputShape, stemChannels: a.stemChannels, stages: a.stages.map((s: BlockStage) => ({ ...s })), numClasses: a.numClasses };
  const net = new TeacherNetwork(arch, rng);
  net.variables();
  importWeights(net.store, files.manifest.weights.tensors, files.weights);
  return net;
}

export function teacherRecipe(s: DnaSettings['teacher']): StandaloneSettings {
  return { epochs: s.epochs, batchSize: s.batchSize, lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay };
}

export interface TeacherContext {
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
}

const method = (e: DnaEvent): Untimed<RunEvent> => ({ type: 'method', method: DNA_METHOD, kind: e.kind, data: e.data });

/**
 * Trains a teacher from scratch with the standalone recipe, emitting its accuracy curve as DNA
 * events (and as the run's own train / val events, phase 'setup').
 */
export async function trainTeacher(ctx: TeacherContext, arch: TeacherArch, data: DeviceData, s: StandaloneSettings, rng: Rng, emitTrainEvents = true): Promise<{ net: TeacherNetwork; valAcc: number; testAcc: number }> {
  const net = new TeacherNetwork(arch, rng.fork('init'));
  try {
    const r = await trainClassifier(net, data, s, rng, {
      phase: 'setup',
      emit: emitTrainEvents ? ctx.emit : undefined,
      onTrainRows: (rows) => ctx.emit(method({ kind: 'teacher-curve', data: { rows } })),
      onEpoch: (epoch, step, v) => ctx.emit(method({ kind: 'teacher-epoch', data: { epoch, step, valAcc: v.acc, valLoss: v.loss } })),
      checkpoint: ctx.checkpoint,
      withTest: true,
    });
    return { net, valAcc: r.valAcc, testAcc: r.testAcc! };
  } catch (err) {
    net.dispose();
    throw err;
  }
}

/** Accuracy (%) of a loaded teacher on the run's own validation and test splits. */
export async function measureTeacher(net: TeacherNetwork, data: DeviceData): Promise<{ valAcc: number; testAcc: number }> {
  const val = await evaluateSplit((x) => net.forward(x, 'eval'), data.val);
  const test = await evaluateSplit((x) => net.forward(x, 'eval'), data.test);
  return { valAcc: val.acc, testAcc: test.acc };
}

export function teacherReadyData(source: 'pretrained' | 'train', net: TeacherNetwork, acc: { valAcc: number; testAcc: number }, provenance: Record<string, unknown>): TeacherReadyData {
  return { source, valAcc: acc.valAcc, testAcc: acc.testAcc, cost: teacherCost(net.arch), layer: TEACHER_LAYER, provenance };
}

export function liveProvenance(s: StandaloneSettings, seed: number): Record<string, unknown> {
  return { recipe: recipeText(s), seed, trained: 'live, in this run', library: `tfjs ${tf.version.tfjs} (${tf.getBackend()} backend)` };
}

export function shippedProvenance(m: TeacherManifest): Record<string, unknown> {
  return { recipe: m.recipe.text, seed: m.seed, dataset: m.dataset, accuracy: m.accuracy, library: m.library, date: m.date, command: m.command };
}
