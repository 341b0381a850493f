import * as tf from '@tensorflow/tfjs';
import type { NamedValues, RetrainedNetwork } from '../core/formats';
import { CellNetwork } from '../nn/cellNetwork';
import { BlockNetwork } from '../nn/blockNetwork';
import { Rng } from '../core/rng';
import { blockArchFromJson } from '../spaces/blocks';
import { parseCell } from '../spaces/nb201';
import { type GraphLayer, type ModelGraph, modelGraph } from './modelGraph';

/** The weights file's name inside model.json (the download is saved under it, so tf.io.browserFiles finds it). */
export const WEIGHTS_FILE = 'model.weights.bin';

/** A TensorFlow.js LayersModel as files: model.json's text and its one weights file. */
export interface LayersModelFiles {
  modelJson: string;
  weights: ArrayBuffer;
}

/**
 * Builds the graph as a tf.layers functional model. Every layer is a stock one, so
 * `tf.loadLayersModel` (and Keras, through tensorflowjs_converter) reads it with no custom code:
 * the 3×3 and 2×2 average pools are averagePooling2d with 'same' padding, which calls the same
 * tf.avgPool as the playground (padding excluded from the count); a node no edge feeds is
 * rescaling(0) of the cell's input — zeros without weights.
 */
export function buildLayersModel(graph: ModelGraph): tf.LayersModel {
  const out = new Map<string, tf.SymbolicTensor>();
  const input = tf.input({ shape: graph.layers.find((l) => l.op === 'input')!.shape, name: graph.input });
  out.set(graph.input, input);
  const bnArgs = { axis: -1, epsilon: graph.bn.epsilon, momentum: 1 - graph.bn.momentum };
  for (const l of graph.layers) {
    if (l.op === 'input') continue;
    const x = l.inputs.map((n) => out.get(n)!);
    const layer = tfLayer(l, bnArgs);
    out.set(l.name, layer.apply(x.length === 1 ? x[0] : x) as tf.SymbolicTensor);
  }
  return tf.model({ inputs: input, outputs: out.get(graph.output)!, name: `nas_playground_${graph.space}` });
}

function tfLayer(l: GraphLayer, bn: { axis: number; epsilon: number; momentum: number }): tf.layers.Layer {
  const name = l.name;
  switch (l.op) {
    case 'conv':
      return tf.layers.conv2d({ name, filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: 'same', useBias: false });
    case 'dwconv':
      return tf.layers.depthwiseConv2d({ name, kernelSize: l.kernel, strides: l.stride, padding: 'same', depthMultiplier: 1, useBias: false });
    case 'bn':
      return tf.layers.batchNormalization({ name, ...bn });
    case 'relu':
      return tf.layers.reLU({ name });
    case 'avgpool':
      return tf.layers.averagePooling2d({ name, poolSize: l.size, strides: l.stride, padding: 'same' });
    case 'add':
      return tf.layers.add({ name });
    case 'zeros':
      return tf.layers.rescaling({ name, scale: 0, offset: 0 });
    case 'gap':
      return tf.layers.globalAveragePooling2d({ name });
    case 'dense':
      return tf.layers.dense({ name, units: l.units, useBias: true });
    case 'input':
      throw new Error('the input is not a layer to build');
  }
}

/** The playground's values for one layer's weights, in tf.layers' order and shapes. */
function layerWeights(l: GraphLayer, get: (name: string) => NamedValues): tf.Tensor[] {
  const t = (name: string, shape?: number[]) => {
    const v = get(name);
    return tf.tensor(v.values, shape ?? v.shape, 'float32');
  };
  switch (l.op) {
    case 'conv':
      return [t(l.weight)];
    case 'dwconv': {
      // Kept as [k, k, 1, c] (its init's fan-in), used as [k, k, c, 1]: the same values in the same order.
      const [k1, k2, , c] = get(l.weight).shape;
      return [t(l.weight, [k1, k2, c, 1])];
    }
    case 'bn':
      return [t(`${l.prefix}.gamma`), t(`${l.prefix}.beta`), t(`${l.prefix}.mean`), t(`${l.prefix}.var`)];
    case 'dense':
      return [t(l.weight), t(l.bias)];
    default:
      return [];
  }
}

/** The model with the retrained network's weights copied in, layer by layer, by name. */
export function layersModelOf(net: RetrainedNetwork, graph: ModelGraph = modelGraph(net)): tf.LayersModel {
  const byName = new Map(net.weights.map((w) => [w.name, w]));
  const get = (name: string) => {
    const w = byName.get(name);
    if (!w) throw new Error(`the retrained network has no weight "${name}"`);
    return w;
  };
  const model = buildLayersModel(graph);
  try {
    for (const l of graph.layers) {
      const ws = layerWeights(l, get);
      if (ws.length === 0) continue;
      model.getLayer(l.name).setWeights(ws);
      ws.forEach((w) => w.dispose());
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** Saves the model as model.json + one weights file, in memory (tf.io.withSaveHandler): what the page downloads. */
export async function saveLayersModel(model: tf.LayersModel): Promise<LayersModelFiles> {
  let files: LayersModelFiles | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: 'NAS Playground export',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      files = { modelJson: JSON.stringify(json), weights };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(json as tf.io.ModelJSON) };
    }),
  );
  if (!files) throw new Error('the model was not saved');
  return files;
}

/** Reads model.json's text and its weights back into a LayersModel (tf.io.fromMemory), as tf.loadLayersModel reads files. */
export async function loadLayersModelFiles(files: LayersModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(files.modelJson) as tf.io.ModelJSON;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: files.weights }));
}

/**
 * The playground's own forward pass (evaluation mode: BN running statistics) of the retrained
 * network, rebuilt from its kept weights: the reference an exported model is compared with.
 */
export function playgroundForward(net: RetrainedNetwork): { forward: (x: tf.Tensor4D) => tf.Tensor2D; dispose: () => void } {
  // The seed is never drawn from: every weight the forward pass uses is loaded.
  const rng = new Rng(0);
  if (net.space === 'nb201') {
    const parsed = parseCell(net.arch);
    if (!parsed.ok) throw new Error(`cannot rebuild "${net.arch}": ${parsed.reason}`);
    const cellNet = new CellNetwork({ ...net.macro }, rng, 'running');
    cellNet.store.load(net.weights);
    return { forward: (x) => cellNet.forward(x, parsed.cell, 'eval'), dispose: () => cellNet.dispose() };
  }
  const { space, arch } = blockArchFromJson(net.structure);
  const blockNet = new BlockNetwork(space, rng, 'running');
  blockNet.store.load(net.weights);
  return { forward: (x) => blockNet.forward(x, arch, 'eval'), dispose: () => blockNet.dispose() };
}

export interface PredictionCheck {
  images: number;
  /** Largest |exported − playground| over every logit of every image. */
  maxAbsDiff: number;
  /** Images whose predicted class agrees. */
  sameClass: number;
}

/** Compares a model's logits with the playground's on the same images (batched, one read-back per batch). */
export async function comparePredictions(model: tf.LayersModel, net: RetrainedNetwork, x: tf.Tensor4D, batchSize = 256): Promise<PredictionCheck> {
  const ref = playgroundForward(net);
  let maxAbsDiff = 0;
  let sameClass = 0;
  try {
    const n = x.shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const stats = tf.tidy(() => {
        const xb = x.slice([start, 0, 0, 0], [size, -1, -1, -1]);
        const a = model.predict(xb) as tf.Tensor2D;
        const b = ref.forward(xb);
        return tf.stack([tf.max(tf.abs(tf.sub(a, b))), tf.sum(tf.cast(tf.equal(tf.argMax(a, 1), tf.argMax(b, 1)), 'float32'))]);
      });
      const [d, same] = await stats.data();
      stats.dispose();
      maxAbsDiff = Math.max(maxAbsDiff, d);
      sameClass += same;
    }
    return { images: n, maxAbsDiff, sameClass };
  } finally {
    ref.dispose();
  }
}
