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
