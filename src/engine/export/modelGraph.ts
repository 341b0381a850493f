import type { RetrainedNetwork } from '../core/formats';
import { BN_EPS, BN_MOMENTUM } from '../nn/params';
import { BLOCK_OP_SPEC, blockArchFromJson, layerShapes } from '../spaces/blocks';
import { NB201_EDGES, NB201_NODES, parseCell } from '../spaces/nb201';

/**
 * The one description of an exported network: a list of layers in topological order, each with
 * its inputs, its static output shape and, where it holds weights, the playground's names for
 * them. The TensorFlow.js model, the PyTorch code and the Keras code are all written from it, so
 * they are the same network by construction, and its parameter count is theirs.
 */
export type Shape = [number, number, number];
/** 'same' padding spelled out as TensorFlow computes it: [top, bottom, left, right] (the odd pixel goes bottom / right). */
export type Pad = [number, number, number, number];

interface Base {
  /** Layer name in every format: the playground's weight prefix with dots as underscores. */
  name: string;
  inputs: string[];
  /** Output [height, width, channels]. */
  shape: Shape;
}

export type GraphLayer = Base &
  (
    | { op: 'input' }
    /** Convolution without bias; `weight` is the playground's [k, k, cin, cout] kernel. */
    | { op: 'conv'; filters: number; kernel: number; stride: number; pad: Pad; weight: string }
    /** Depthwise convolution (multiplier 1) without bias; the playground keeps its kernel as [k, k, 1, c]. */
    | { op: 'dwconv'; kernel: number; stride: number; pad: Pad; weight: string }
    /** BatchNorm over channels at inference: `${prefix}.gamma|beta|mean|var`. */
    | { op: 'bn'; prefix: string }
    | { op: 'relu' }
    /** Average pool whose window counts only real pixels (padding excluded), as tf.avgPool does with 'same'. */
    | { op: 'avgpool'; size: number; stride: number; pad: Pad }
    | { op: 'add' }
    /** A node no edge feeds (every edge into it is 'none'): zeros shaped like its input. */
    | { op: 'zeros' }
    | { op: 'gap' }
    | { op: 'dense'; units: number; weight: string; bias: string }
  );

export interface ModelGraph {
  space: RetrainedNetwork['space'];
  arch: string;
  layers: GraphLayer[];
  input: string;
  output: string;
  numClasses: number;
  bn: { epsilon: number; momentum: number };
  /**
   * Parameters of ops whose output never reaches the logits (in a cell whose later edges from a
   * node are all 'none'): the playground counts them (nb201Cost), no exported format holds them.
   */
  deadParams: number;
}

/** TensorFlow's 'same' padding for one axis: out = ⌈in / s⌉, the total split with the extra pixel after. */
export function samePad(size: number, k: number, s: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const layerName = (prefix: string) => prefix.replace(/\./g, '_');

class GraphBuilder {
  readonly layers: GraphLayer[] = [];
  private readonly byName = new Map<string, GraphLayer>();

  add(layer: GraphLayer): string {
    if (this.byName.has(layer.name)) throw new Error(`two layers named ${layer.name}`);
    this.layers.push(layer);
    this.byName.set(layer.name, layer);
    return layer.name;
  }

  shape(name: string): Shape {
    return this.byName.get(name)!.shape;
  }

  conv(prefix: string, x: string, k: number, filters: number, stride: number): string {
    const [h, w] = this.shape(x);
    const [t, b] = samePad(h, k, stride);
    const [l, r] = samePad(w, k, stride);
    return this.add({ op: 'conv', name: layerName(`${prefix}.conv`), inputs: [x], shape: [Math.ceil(h / stride), Math.ceil(w / stride), filters], filters, kernel: k, stride, pad: [t, b, l, r], weight: `${prefix}.conv` });
  }

  bn(prefix: string, x: string): string {
    return this.add({ op: 'bn', name: layerName(prefix), inputs: [x], shape: this.shape(x), prefix });
  }

  relu(name: string, x: string): string {
    return this.add({ op: 'relu', name: layerName(name), inputs: [x], shape: this.shape(x) });
  }

  sum(name: string, xs: string[]): string {
    return xs.length === 1 ? xs[0] : this.add({ op: 'add', name: layerName(name), inputs: xs, shape: this.shape(xs[0]) });
  }

  avgPool(name: string, x: string, size: number, stride: number): string {
    const [h, w, c] = this.shape(x);
    const [t, b] = samePad(h, size, stride);
    const [l, r] = samePad(w, size, stride);
    return this.add({ op: 'avgpool', name: layerName(name), inputs: [x], shape: [Math.ceil(h / stride), Math.ceil(w / stride), c], size, stride, pad: [t, b, l, r] });
  }

  head(x: string, numClasses: number): string {
    const pooled = this.add({ op: 'gap', name: 'head_pool', inputs: [x], shape: [1, 1, this.shape(x)[2]] });
    return this.add({ op: 'dense', name: 'head_fc', inputs: [pooled], shape: [1, 1, numClasses], units: numClasses, weight: 'head.fc.w', bias: 'head.fc.b' });
  }

  /**
   * Drops layers the output does not depend on (an op whose node no later edge reads): a
   * functional model keeps only what leads to its output, so no format holds them. Their
   * parameters are counted apart.
   */
  reachable(output: string): { layers: GraphLayer[]; deadParams: number } {
    const keep = new Set<string>([output]);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (keep.has(l.name)) for (const x of l.inputs) keep.add(x);
    }
    const shapeOf = (n: string) => this.byName.get(n)!.shape;
    const deadParams = this.layers.filter((l) => !keep.has(l.name)).reduce((n, l) => n + paramsOf(l, shapeOf), 0);
    return { layers: this.layers.filter((l) => keep.has(l.name)), deadParams };
  }
}

/** The NB-201 network of `cellNetwork.ts` (standalone, BN running statistics), layer for layer. */
function nb201Graph(net: Extract<RetrainedNetwork, { space: 'nb201' }>): ModelGraph {
  const parsed = parseCell(net.arch);
  if (!parsed.ok) throw new Error(`cannot export "${net.arch}": ${parsed.reason}`);
  const cell = parsed.cell;
  const { macro } = net;
  const g = new GraphBuilder();
  const input = g.add({ op: 'input', name: 'image', inputs: [], shape: [...macro.inputShape] });
  let h = g.bn('stem.bn', g.conv('stem', input, 3, macro.channels, 1));
  let c = macro.channels;
  const reluConvBn = (prefix: string, x: string, k: number, co: number, stride: number) => g.bn(`${prefix}.bn`, g.conv(prefix, g.relu(`${prefix}.relu`, x), k, co, stride));
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const co = c * 2;
      const a = reluConvBn(`red${stage}.a`, h, 3, co, 2);
      const b = reluConvBn(`red${stage}.b`, a, 3, co, 1);
      const pooled = g.avgPool(`red${stage}.pool`, h, 2, 2);
      // The shortcut's kernel is named `red{s}.short` (no `.conv`): its layer keeps that name.
      const [ph, pw] = g.shape(pooled);
      const short = g.add({ op: 'conv', name: layerName(`red${stage}.short`), inputs: [pooled], shape: [ph, pw, co], filters: co, kernel: 1, stride: 1, pad: [0, 0, 0, 0], weight: `red${stage}.short` });
      h = g.sum(`red${stage}.add`, [short, b]);
      c = co;
    }
    for (let n = 0; n < macro.cellsPerStage; n++) {
      const prefix = `s${stage}.c${n}`;
      const nodes = [h];
      for (let j = 1; j < NB201_NODES; j++) {
        const parts: string[] = [];
        NB201_EDGES.forEach(([from, to], e) => {
          if (to !== j) return;
          const op = cell.ops[e];
          const inp = nodes[from];
          const name = `${prefix}.e${from}${to}.${op}`;
          if (op === 'skip_connect') parts.push(inp);
          else if (op === 'avg_pool_3x3') parts.push(g.avgPool(name, inp, 3, 1));
          else if (op === 'nor_conv_1x1') parts.push(reluConvBn(name, inp, 1, c, 1));
          else if (op === 'nor_conv_3x3') parts.push(reluConvBn(name, inp, 3, c, 1));
        });
        nodes.push(parts.length === 0 ? g.add({ op: 'zeros', name: layerName(`${prefix}.n${j}.zeros`), inputs: [h], shape: g.shape(h) }) : g.sum(`${prefix}.n${j}.sum`, parts));
      }
      h = nodes[NB201_NODES - 1];
    }
  }
  h = g.relu('head.relu', g.bn('head.bn', h));
  const output = g.head(h, macro.numClasses);
  return { space: 'nb201', arch: net.arch, ...g.reachable(output), input, output, numClasses: macro.numClasses, bn: { epsilon: BN_EPS, momentum: BN_MOMENTUM } };
}

/** The block chain of `blockNetwork.ts` (stem, MBConv layers with residuals, pooled linear head). */
function blockGraph(net: Extract<RetrainedNetwork, { space: 'blocks' }>): ModelGraph {
  const { space, arch } = blockArchFromJson(net.structure);
  const shapes = layerShapes(space);
  const g = new GraphBuilder();
  const input = g.add({ op: 'input', name: 'image', inputs: [], shape: [...space.inputShape] });
  let h = g.relu('stem.relu', g.bn('stem.bn', g.conv('stem', input, 3, space.stemChannels, 1)));
  arch.blocks.forEach((ops, b) => {
    ops.forEach((op, l) => {
      const spec = BLOCK_OP_SPEC[op];
      if (!spec) return; // skip: the input goes on unchanged
      const s = shapes[b][l];
      const name = `b${b}.l${l}.${op}`;
      const hidden = s.cin * spec.expansion;
      const e = g.relu(`${name}.expand.relu`, g.bn(`${name}.expand.bn`, g.conv(`${name}.expand`, h, 1, hidden, 1)));
      const [hh, ww] = g.shape(e);
      const [t, bt] = samePad(hh, spec.kernel, s.stride);
      const [lf, r] = samePad(ww, spec.kernel, s.stride);
      const dw = g.add({ op: 'dwconv', name: layerName(`${name}.dw.conv`), inputs: [e], shape: [s.hout, s.wout, hidden], kernel: spec.kernel, stride: s.stride, pad: [t, bt, lf, r], weight: `${name}.dw.conv` });
      const d = g.relu(`${name}.dw.relu`, g.bn(`${name}.dw.bn`, dw));
      const y = g.bn(`${name}.project.bn`, g.conv(`${name}.project`, d, 1, s.cout, 1));
      h = s.stride === 1 && s.cin === s.cout ? g.sum(`${name}.add`, [h, y]) : y;
    });
  });
  const output = g.head(h, space.numClasses);
  return { space: 'blocks', arch: net.arch, ...g.reachable(output), input, output, numClasses: space.numClasses, bn: { epsilon: BN_EPS, momentum: BN_MOMENTUM } };
}

export function modelGraph(net: RetrainedNetwork): ModelGraph {
  return net.space === 'nb201' ? nb201Graph(net) : blockGraph(net);
}

/** Trainable parameters of one layer: what PyTorch's parameters() and Keras's trainable_weights hold (BN running statistics are neither). */
export function layerParams(l: GraphLayer, graph: ModelGraph): number {
  return paramsOf(l, (n) => graph.layers.find((x) => x.name === n)!.shape);
}

function paramsOf(l: GraphLayer, shapeOf: (name: string) => Shape): number {
  const cin = () => shapeOf(l.inputs[0])[2];
  switch (l.op) {
    case 'conv':
      return l.kernel * l.kernel * cin() * l.filters;
    case 'dwconv':
      return l.kernel * l.kernel * cin();
    case 'bn':
      return 2 * l.shape[2];
    case 'dense':
      return cin() * l.units + l.units;
    default:
      return 0;
  }
}

/** The network's trainable parameter count, from the description (the count the generated code prints). */
export function graphParams(graph: ModelGraph): number {
  return graph.layers.reduce((n, l) => n + layerParams(l, graph), 0);
}
