/**
 * Shapes that travel in run events and files, as data: core states them so the event log needs
 * nothing above core. The layers that give them meaning check them (spaces/blocks reads a block
 * structure's ops; data/datasets writes the preprocessing).
 */

/** Exactly how a run's data was prepared (split, scaling, standardisation statistics). */
export interface Preprocessing {
  source: string;
  scale: string;
  downsample: string;
  standardise: { mean: number; std: number; from: string };
  split: string;
  splitSeed: number;
}

/** A block chain's structure (stem, widths, strides, one op per layer): what a block network is built from. */
export interface BlockStructure {
  space: 'blocks';
  blocks: { channels: number; stride: number; ops: string[] }[];
  stemChannels: number;
  inputShape: [number, number, number];
  numClasses: number;
}

/** One named weight or running statistic as plain numbers: what a checkpoint or an export keeps of a network. */
export interface NamedValues {
  name: string;
  kind: 'weight' | 'stat';
  shape: number[];
  values: Float32Array;
}

/**
 * The network a run's final phase trained from scratch, with its weights read back after training:
 * what the export turns into a TensorFlow.js model and PyTorch / Keras code. An NB-201 cell names
 * its macro skeleton; a block chain carries its structure.
 */
export type RetrainedNetwork =
  | { space: 'nb201'; arch: string; macro: { inputShape: [number, number, number]; channels: number; cellsPerStage: number; numClasses: number }; weights: NamedValues[] }
  | { space: 'blocks'; arch: string; structure: BlockStructure; weights: NamedValues[] };
