import * as tf from '@tensorflow/tfjs';
import type { RetrainedNetwork } from '../core/formats';
import type { Dataset } from '../data/datasets';
import { kerasCode, pytorchCode } from './codegen';
import { comparePredictions, layersModelOf, type PredictionCheck, saveLayersModel } from './layersModel';
import { graphParams, modelGraph } from './modelGraph';

/** Everything the export offers for a retrained network: the TensorFlow.js model's two files and the two code files. */
export interface ModelExport {
  modelJson: string;
  weights: ArrayBuffer;
  pytorch: string;
  keras: string;
  /** Trainable parameters (the playground's count; what both code files print). */
  params: number;
}

export async function exportModel(net: RetrainedNetwork): Promise<ModelExport> {
  const graph = modelGraph(net);
  const model = layersModelOf(net, graph);
  try {
    const files = await saveLayersModel(model);
    return { ...files, pytorch: pytorchCode(graph), keras: kerasCode(graph), params: graphParams(graph) };
  } finally {
    model.dispose();
  }
}

/**
 * An exported model (loaded by the caller, e.g. tf.loadLayersModel over the files a learner
 * picked) against the playground's own forward pass of the network it came from, on the
 * dataset's test images. A model of another shape is refused with what differs.
 */
export async function checkExportedModel(model: tf.LayersModel, net: RetrainedNetwork, dataset: Dataset): Promise<PredictionCheck> {
  const shape = dataset.info.inputShape;
  const inShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (inShape.join('×') !== shape.join('×')) throw new Error(`the model takes images of ${inShape.join('×')}, this run's data is ${shape.join('×')}`);
  const classes = model.outputs[0]?.shape.at(-1);
  const want = net.space === 'nb201' ? net.macro.numClasses : net.structure.numClasses;
  if (classes !== want) throw new Error(`the model has ${String(classes)} outputs, this run's network has ${want}`);
  const x = tf.tensor4d(dataset.test.x, [dataset.test.n, ...shape]);
  try {
    return await comparePredictions(model, net, x);
  } finally {
    x.dispose();
  }
}
