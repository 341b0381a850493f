import type { BlockStructure } from '../core/formats';
import { quote } from '../core/quote';
import type { Rng } from '../core/rng';
import type { DatasetId } from '../data/datasets';
import { datasetInfo, isDatasetId, unknownDatasetMessage } from '../data/datasets';
import type { Cost } from '../core/cost';

/**
 * The block search space (DNA, and Cream after it): a chain network
 *
 *   stem (3×3 conv-BN-ReLU) → block 1 → … → block N → global average pool → linear
 *
 * where block b has `layers` layers and each layer chooses one op: an MBConv inverted residual
 * (1×1 expand to cin·e, k×k depthwise, 1×1 linear projection to cout; residual when shapes
 * match) with kernel k ∈ {3, 5} and expansion e ∈ {3, 6}, or — optionally — a skip where the
 * layer keeps its input's shape, or a pointwise MBConv (1×1 depthwise, e3 or e6: no spatial mixing, so
 * it leaves the receptive field as it is; issue #17's truth varies that). The first layer of a block changes width and (for stride 2)
 * resolution; the others keep them. DNA's original space is MBConv k ∈ {3,5,7} × e ∈ {3,6}
 * (with squeeze-excitation) on EfficientNet's 6 stages; here it is scaled to 8×8 / 14×14 images.
 *
 * Canonical string: blocks separated by "|", layers by "-", e.g.
 *   mb3_k3-mb6_k5|mb6_k3-skip|mb3_k5-mb3_k3
 * (no commas, so it sits in a CSV column unquoted; the parser also accepts "," between layers).
 */
export const BLOCK_OPS = ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5', 'mb3_k1', 'mb6_k1', 'skip'] as const;
export type BlockOp = (typeof BLOCK_OPS)[number];
/** The default op set: DNA's (no skip), kernel {3,5} × expansion {3,6}. */
export const DEFAULT_BLOCK_OPS: readonly BlockOp[] = ['mb3_k3', 'mb3_k5', 'mb6_k3', 'mb6_k5'];

export interface MbConvSpec {
  kernel: number;
  expansion: number;
}

/** Kernel and expansion of each MBConv op; null for skip. */
export const BLOCK_OP_SPEC: Record<BlockOp, MbConvSpec | null> = {
  mb3_k3: { kernel: 3, expansion: 3 },
  mb3_k5: { kernel: 5, expansion: 3 },
  mb6_k3: { kernel: 3, expansion: 6 },
  mb6_k5: { kernel: 5, expansion: 6 },
  mb3_k1: { kernel: 1, expansion: 3 },
  mb6_k1: { kernel: 1, expansion: 6 },
  skip: null,
};

export const BLOCK_OP_LABEL: Record<BlockOp, string> = {
  mb3_k3: 'MBConv e3 3×3',
  mb3_k5: 'MBConv e3 5×5',
  mb6_k3: 'MBConv e6 3×3',
  mb6_k5: 'MBConv e6 5×5',
  mb3_k1: 'MBConv e3 1×1',
  mb6_k1: 'MBConv e6 1×1',
  skip: 'skip',
};

export interface BlockStage {
  /** Output width of the block (the teacher's width at this cut). */
  channels: number;
  /** Stride of the block's first layer. */
  stride: number;
  layers: number;
}

/** The fixed skeleton: stem, the blocks' widths / strides / depths, head, and the op choices. */
export interface BlockSpace {
  inputShape: [number, number, number];
  stemChannels: number;
  stages: BlockStage[];
  ops: BlockOp[];
  numClasses: number;
}

/** One op per layer, per block. */
export interface BlockArch {
  readonly blocks: readonly (readonly BlockOp[])[];
}

/** The structured JSON form of an architecture, as exported. */
export interface BlockArchJson {
  space: 'blocks';
  blocks: { channels: number; stride: number; ops: BlockOp[] }[];
  stemChannels: number;
  inputShape: [number, number, number];
  numClasses: number;
}

/** Widths / strides / depths the playground uses by default (and its shipped teachers have). */
export const DEFAULT_STAGES: readonly BlockStage[] = [
  { channels: 8, stride: 1, layers: 2 },
  { channels: 16, stride: 2, layers: 2 },
  { channels: 24, stride: 2, layers: 2 },
];
export const DEFAULT_STEM_CHANNELS = 8;

/**
 * Sizes a block network may have, as [least, most]. The defaults are 3 blocks of 2 layers, 8–24
 * channels on 8×8 or 14×14 images; the upper bounds sit well above any network a browser trains
 * here and keep out sizes nothing could build (1e9 channels, 10⁵ blocks). An imported file's
 * structure (blockArchFromJson) and Cream's skeleton setting are held to them.
 */
export const BLOCK_LIMITS = {
  blocks: [1, 12],
  layers: [1, 12],
  channels: [1, 1024],
  stemChannels: [1, 1024],
  /** Height and width of the input images. */
  inputSide: [1, 256],
  /** Channels of the input images (1 grey, 3 RGB, 4 RGBA). */
  inputChannels: [1, 4],
  classes: [2, 1000],
} as const satisfies Record<string, readonly [number, number]>;

/** Strides a block's first layer may take. */
export const BLOCK_STRIDES: readonly number[] = [1, 2];

const within = (v: unknown, [min, max]: readonly [number, number]) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const rangeText = ([min, max]: readonly [number, number]) => `an integer from ${min} to ${max}`;

/**
 * Why a block skeleton cannot be built, as messages (empty when it can): each size within
 * BLOCK_LIMITS and each stride in BLOCK_STRIDES. Values are not echoed beyond a short number.
 */
export function blockSkeletonProblems(s: { inputShape?: unknown; stemChannels: unknown; stages: readonly { channels: unknown; stride: unknown; layers: unknown }[]; numClasses?: unknown }): string[] {
  const errs: string[] = [];
  const show = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v);
  const need = (v: unknown, limits: readonly [number, number], what: string) => {
    if (!within(v, limits)) errs.push(`${what} must be ${rangeText(limits)} (got ${show(v)})`);
  };
  if (s.inputShape !== undefined) {
    const shape = s.inputShape;
    if (!Array.isArray(shape) || shape.length !== 3) errs.push(`the input shape must be [height, width, channels] (got ${show(shape)})`);
    else {
      need(shape[0], BLOCK_LIMITS.inputSide, 'the input height');
      need(shape[1], BLOCK_LIMITS.inputSide, 'the input width');
      need(shape[2], BLOCK_LIMITS.inputChannels, 'the input channels');
    }
  }
  need(s.stemChannels, BLOCK_LIMITS.stemChannels, 'stem channels');
  if (s.numClasses !== undefined) need(s.numClasses, BLOCK_LIMITS.classes, 'the number of classes');
  if (!Array.isArray(s.stages) || !within(s.stages.length, BLOCK_LIMITS.blocks)) {
    errs.push(`the chain must have ${rangeText(BLOCK_LIMITS.blocks)} blocks (got ${Array.isArray(s.stages) ? s.stages.length : show(s.stages)})`);
    return errs;
  }
  s.stages.forEach((st, b) => {
    need(st.channels, BLOCK_LIMITS.channels, `block ${b + 1} channels`);
    need(st.layers, BLOCK_LIMITS.layers, `block ${b + 1} layers`);
    if (!BLOCK_STRIDES.includes(st.stride as number)) errs.push(`block ${b + 1} stride must be ${BLOCK_STRIDES.join(' or ')} (got ${show(st.stride)})`);
  });
  return errs;
}

export function defaultBlockSpace(dataset: DatasetId, ops: readonly BlockOp[] = DEFAULT_BLOCK_OPS): BlockSpace {
  const info = datasetInfo(dataset);
  return {
    inputShape: info.inputShape,
    stemChannels: DEFAULT_STEM_CHANNELS,
    stages: DEFAULT_STAGES.map((s) => ({ ...s })),
    ops: [...ops],
    numClasses: info.classes.length,
  };
}

export function isBlockOp(s: string): s is BlockOp {
  return (BLOCK_OPS as readonly string[]).includes(s);
}

/** Shape seen and produced by one layer. */
export interface LayerShape {
  cin: number;
  cout: number;
  stride: number;
  /** Input height and width. */
  hin: number;
  win: number;
  hout: number;
  wout: number;
}

const strided = (n: number, s: number) => Math.ceil(n / s);

/** Every layer's shapes, block by block ('same' padding: out = ⌈in / stride⌉). */
export function layerShapes(space: BlockSpace): LayerShape[][] {
  let [h, w] = space.inputShape;
  let c = space.stemChannels;
  return space.stages.map((st) => {
    const out: LayerShape[] = [];
    for (let l = 0; l < st.layers; l++) {
      const stride = l === 0 ? st.stride : 1;
      const shape = { cin: c, cout: st.channels, stride, hin: h, win: w, hout: strided(h, stride), wout: strided(w, stride) };
      out.push(shape);
      c = st.channels;
      h = shape.hout;
      w = shape.wout;
    }
    return out;
  });
}

/** [h, w, c] of each block's output (the teacher's feature at each cut). */
export function blockOutputShapes(space: BlockSpace): [number, number, number][] {
  return layerShapes(space).map((ls) => {
    const last = ls[ls.length - 1];
    return [last.hout, last.wout, last.cout];
  });
}

/** [h, w, c] of each block's input: the stem's output for block 1, else the previous block's output. */
export function blockInputShapes(space: BlockSpace): [number, number, number][] {
  const outs = blockOutputShapes(space);
  return space.stages.map((_, b) => (b === 0 ? [space.inputShape[0], space.inputShape[1], space.stemChannels] : outs[b - 1]));
}

/** A skip keeps its input unchanged, so it is allowed only where the layer keeps the shape. */
export function skipAllowed(shape: LayerShape): boolean {
  return shape.stride === 1 && shape.cin === shape.cout;
}

/** Ops a given layer may take (the space's ops, less skip where shapes change). */
export function layerOps(space: BlockSpace, b: number, l: number): BlockOp[] {
  const shape = layerShapes(space)[b][l];
  return space.ops.filter((op) => op !== 'skip' || skipAllowed(shape));
}

export function formatBlockArch(arch: BlockArch): string {
  return arch.blocks.map((ops) => pathKey(ops)).join('|');
}

export type BlockParseResult = { ok: true; arch: BlockArch } | { ok: false; reason: string };

/** Parses a canonical string against a space; on failure says exactly what is wrong. */
export function parseBlockArch(text: string, space: BlockSpace): BlockParseResult {
  const s = text.trim();
  if (s.length === 0) return { ok: false, reason: 'empty architecture string' };
  const groups = s.split('|');
  if (groups.length !== space.stages.length) {
    return { ok: false, reason: `${quote(text)}: expected ${space.stages.length} blocks separated by "|", found ${groups.length}` };
  }
  const arch: BlockArch = { blocks: groups.map((g) => g.split(/[-,]/).map((o) => o.trim()) as BlockOp[]) };
  const why = validateBlockArch(arch, space);
  return why ? { ok: false, reason: `${quote(text)}: ${why}` } : { ok: true, arch };
}

export function blockArchFromString(text: string, space: BlockSpace): BlockArch {
  const r = parseBlockArch(text, space);
  if (!r.ok) throw new Error(r.reason);
  return r.arch;
}

/** Null when the architecture belongs to the space, else the first reason it does not. */
export function validateBlockArch(arch: { blocks: readonly (readonly string[])[] }, space: BlockSpace): string | null {
  if (!Array.isArray(arch.blocks)) return 'blocks must be an array';
  if (arch.blocks.length !== space.stages.length) return `the space has ${space.stages.length} blocks, got ${arch.blocks.length}`;
  const shapes = layerShapes(space);
  for (let b = 0; b < space.stages.length; b++) {
    const ops = arch.blocks[b];
    if (!Array.isArray(ops)) return `block ${b + 1}: ops must be an array`;
    if (ops.length !== space.stages[b].layers) return `block ${b + 1} has ${space.stages[b].layers} layers, got ${ops.length}`;
    for (let l = 0; l < ops.length; l++) {
      const op = ops[l];
      if (!isBlockOp(op)) return `block ${b + 1}, layer ${l + 1}: unknown op ${quote(String(op))} (ops: ${BLOCK_OPS.join(', ')})`;
      if (!space.ops.includes(op)) return `block ${b + 1}, layer ${l + 1}: op "${op}" is not in this space (${space.ops.join(', ')})`;
      if (op === 'skip' && !skipAllowed(shapes[b][l])) {
        const s = shapes[b][l];
        return `block ${b + 1}, layer ${l + 1}: skip is not allowed where the shape changes (${s.cin}→${s.cout} channels, stride ${s.stride})`;
      }
    }
  }
  return null;
}

export function blockArchToJson(arch: BlockArch, space: BlockSpace): BlockArchJson {
  return {
    space: 'blocks',
    blocks: arch.blocks.map((ops, b) => ({ channels: space.stages[b].channels, stride: space.stages[b].stride, ops: [...ops] })),
    stemChannels: space.stemChannels,
    inputShape: [...space.inputShape],
    numClasses: space.numClasses,
  };
}

/**
 * Reads the JSON form back (with the space it implies), validating it: sizes within BLOCK_LIMITS,
 * known ops, skip only where the shape is kept. What Train builds from an imported file.
 */
export function blockArchFromJson(json: BlockStructure, ops: readonly BlockOp[] = BLOCK_OPS): { arch: BlockArch; space: BlockSpace } {
  if (!json || json.space !== 'blocks' || !Array.isArray(json.blocks)) throw new Error('not a block-space architecture (space must be "blocks")');
  if (json.blocks.some((b) => !b || typeof b !== 'object' || !Array.isArray(b.ops))) throw new Error('every block needs a list of ops');
  const sizes = blockSkeletonProblems({ ...json, stages: json.blocks.map((b) => ({ channels: b.channels, stride: b.stride, layers: b.ops.length })) });
  if (sizes.length > 0) throw new Error(sizes[0]);
  const space: BlockSpace = {
    inputShape: json.inputShape,
    stemChannels: json.stemChannels,
    stages: json.blocks.map((b) => ({ channels: b.channels, stride: b.stride, layers: b.ops.length })),
    ops: [...ops],
    numClasses: json.numClasses,
  };
  const blocks = json.blocks.map((b) => b.ops.filter(isBlockOp));
  const unknown = json.blocks.flatMap((b) => b.ops).find((o) => !isBlockOp(o));
  if (unknown !== undefined) throw new Error(`unknown op ${JSON.stringify(String(unknown).slice(0, 40))} (ops: ${BLOCK_OPS.join(', ')})`);
  const arch: BlockArch = { blocks };
  const why = validateBlockArch(arch, space);
  if (why) throw new Error(why);
  return { arch, space };
}

/** Every path (op sequence) of block b, in lexicographic order of the space's op list. */
export function blockPaths(space: BlockSpace, b: number): BlockOp[][] {
  const choices = space.stages[b] ? Array.from({ length: space.stages[b].layers }, (_, l) => layerOps(space, b, l)) : [];
  let paths: BlockOp[][] = [[]];
  for (const opts of choices) paths = paths.flatMap((p) => opts.map((o) => [...p, o]));
  return paths;
}

/** A block path's key: its ops joined by "-" (as in the architecture string). */
export function pathKey(ops: readonly BlockOp[]): string {
  return ops.join('-');
}

/** Number of architectures in the space (the product of paths per block). */
export function blockSpaceSize(space: BlockSpace): number {
  return space.stages.reduce((n, _, b) => n * blockPaths(space, b).length, 1);
}

/** The i-th architecture in the mixed-radix order of blockPaths (block 1 most significant). */
export function blockArchAt(space: BlockSpace, index: number): BlockArch {
  const lists = space.stages.map((_, b) => blockPaths(space, b));
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new Error(`architecture index ${index} out of range [0, ${total})`);
  const blocks: BlockOp[][] = new Array(lists.length);
  for (let b = lists.length - 1; b >= 0; b--) {
    blocks[b] = lists[b][index % lists[b].length];
    index = Math.floor(index / lists[b].length);
  }
  return { blocks };
}

export function blockArchIndex(arch: BlockArch, space: BlockSpace): number {
  return space.stages.reduce((acc, _, b) => {
    const paths = blockPaths(space, b).map(pathKey);
    const i = paths.indexOf(pathKey(arch.blocks[b]));
    if (i < 0) throw new Error(`block ${b + 1}: path ${pathKey(arch.blocks[b])} is not in the space`);
    return acc * paths.length + i;
  }, 0);
}

/** Uniform over the space: each layer's op uniform among the ops that layer allows. */
export function sampleBlockArch(space: BlockSpace, rng: Rng): BlockArch {
  return { blocks: space.stages.map((st, b) => Array.from({ length: st.layers }, (_, l) => rng.choice(layerOps(space, b, l)))) };
}

/** One layer gets a different op (among those it allows). */
export function mutateBlockArch(arch: BlockArch, space: BlockSpace, rng: Rng): BlockArch {
  const slots: [number, number][] = [];
  space.stages.forEach((st, b) => {
    for (let l = 0; l < st.layers; l++) if (layerOps(space, b, l).length > 1) slots.push([b, l]);
  });
  if (slots.length === 0) return arch;
  const [b, l] = rng.choice(slots);
  const others = layerOps(space, b, l).filter((o) => o !== arch.blocks[b][l]);
  const blocks = arch.blocks.map((ops) => [...ops]);
  blocks[b][l] = rng.choice(others);
  return { blocks };
}

/**
 * Exact parameters and multiply-accumulates of one layer's op (conv and linear MACs, as
 * NAS-Bench-201 counts FLOPs; BatchNorm contributes 2·C parameters and no MACs).
 */
export function layerOpCost(op: BlockOp, s: LayerShape): Cost {
  const spec = BLOCK_OP_SPEC[op];
  if (!spec) return { params: 0, flops: 0 };
  const hidden = s.cin * spec.expansion;
  const k2 = spec.kernel * spec.kernel;
  const params = s.cin * hidden + 2 * hidden + k2 * hidden + 2 * hidden + hidden * s.cout + 2 * s.cout;
  const flops = s.cin * hidden * s.hin * s.win + k2 * hidden * s.hout * s.wout + hidden * s.cout * s.hout * s.wout;
  return { params, flops };
}

/** Cost of one block's path. */
export function pathCost(space: BlockSpace, b: number, ops: readonly BlockOp[]): Cost {
  const shapes = layerShapes(space)[b];
  return ops.reduce(
    (acc, op, l) => {
      const c = layerOpCost(op, shapes[l]);
      return { params: acc.params + c.params, flops: acc.flops + c.flops };
    },
    { params: 0, flops: 0 },
  );
}

/** Stem (3×3 conv + BN) and head (linear with bias) — the part every architecture shares. */
export function fixedCost(space: BlockSpace): Cost {
  const [h, w, cin] = space.inputShape;
  const C = space.stemChannels;
  const last = space.stages[space.stages.length - 1].channels;
  return {
    params: 9 * cin * C + 2 * C + last * space.numClasses + space.numClasses,
    flops: 9 * cin * C * h * w + last * space.numClasses,
  };
}

/** Exact parameter and FLOP counts of the standalone network (checked against the built network in tests). */
export function blockArchCost(arch: BlockArch, space: BlockSpace): Cost {
  const total = fixedCost(space);
  arch.blocks.forEach((ops, b) => {
    const c = pathCost(space, b, ops);
    total.params += c.params;
    total.flops += c.flops;
  });
  return total;
}

/** A short summary line, e.g. "3 blocks × 2 layers, 4 ops: 4096 architectures (16 paths per block)". */
/** The skeleton a method's setup event tells the page (DNA and Cream views draw from it). */
export function blockSpaceShape(space: BlockSpace): Pick<BlockSpace, 'inputShape' | 'stemChannels' | 'stages' | 'ops'> {
  return { inputShape: space.inputShape, stemChannels: space.stemChannels, stages: space.stages, ops: space.ops };
}

export function describeBlockSpace(space: BlockSpace): string {
  const paths = space.stages.map((_, b) => blockPaths(space, b).length);
  const layers = [...new Set(space.stages.map((s) => s.layers))];
  const perBlock = new Set(paths).size === 1 ? `${paths[0]} paths per block` : `paths per block ${paths.join(', ')}`;
  return `${space.stages.length} blocks × ${layers.join('/')} layers, ${space.ops.length} ops: ${blockSpaceSize(space)} architectures (${perBlock})`;
}

/** Null when a network of `space` takes `dataset`'s images and predicts its classes, else why not. */
export function blockSpaceFitsDataset(space: Pick<BlockSpace, 'inputShape' | 'numClasses'>, dataset: DatasetId): string | null {
  const info = isDatasetId(dataset) ? datasetInfo(dataset) : undefined;
  if (!info) return unknownDatasetMessage(String(dataset));
  const shape = (s: readonly number[]) => s.join('×');
  if (!Array.isArray(space.inputShape) || shape(space.inputShape) !== shape(info.inputShape)) {
    return `the structure takes ${Array.isArray(space.inputShape) ? shape(space.inputShape).slice(0, 40) : 'no'} images, but "${dataset}" has ${shape(info.inputShape)} images`;
  }
  if (space.numClasses !== info.classes.length) return `the structure predicts ${space.numClasses} classes, but "${dataset}" has ${info.classes.length}`;
  return null;
}

/**
 * The network "Train" builds for an imported block file: the file's own structure (widths,
 * strides, stem, input shape, classes), which must be buildable (blockArchFromJson), take the
 * run's dataset and read the same ops as the file's arch string. Throws why not, before anything
 * trains; the import's validator refuses the same files, so an accepted file always builds.
 */
export function trainableBlockArch(structure: BlockStructure, text: string, dataset: DatasetId): { arch: BlockArch; space: BlockSpace } {
  const built = blockArchFromJson(structure);
  const misfit = blockSpaceFitsDataset(built.space, dataset);
  if (misfit) throw new Error(misfit);
  const canonical = formatBlockArch(built.arch);
  const parsed = parseBlockArch(text, built.space);
  if (!parsed.ok || formatBlockArch(parsed.arch) !== canonical) throw new Error(`the arch string disagrees with the block structure, which reads "${canonical}"`);
  return built;
}
