import type { Cost } from '../core/cost';
import type { DatasetId } from '../data/datasets';
import { datasetInfo } from '../data/datasets';
import { NB201_EDGES, type Nb201Cell } from '../spaces/nb201';

/**
 * The NAS-Bench-201 macro skeleton, scaled for a browser: stem conv → N cells → residual
 * reduction → N cells → residual reduction → N cells → BN-ReLU → global pool → linear.
 * NB-201 itself uses C = 16, N = 5 on 32×32 images; the playground defaults to C = 8, N = 1.
 */
export interface MacroConfig {
  inputShape: [number, number, number];
  channels: number;
  cellsPerStage: number;
  numClasses: number;
}

export function defaultMacro(dataset: DatasetId): MacroConfig {
  const info = datasetInfo(dataset);
  return { inputShape: info.inputShape, channels: 8, cellsPerStage: 1, numClasses: info.classes.length };
}


const half = (n: number) => Math.ceil(n / 2);

/** Exact parameter and FLOP counts of the standalone network for a cell (checked against the built network in tests). */
export function nb201Cost(cell: Nb201Cell, macro: MacroConfig): Cost {
  const [h0, w0, cin] = macro.inputShape;
  const C = macro.channels;
  let params = 0;
  let flops = 0;
  const conv = (k: number, ci: number, co: number, h: number, w: number) => {
    params += k * k * ci * co;
    flops += k * k * ci * co * h * w;
  };
  const bn = (c: number) => (params += 2 * c);
  // stem
  conv(3, cin, C, h0, w0);
  bn(C);
  let h = h0;
  let w = w0;
  let c = C;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const co = c * 2;
      const ho = half(h);
      const wo = half(w);
      conv(3, c, co, ho, wo); // conv_a, stride 2
      bn(co);
      conv(3, co, co, ho, wo); // conv_b
      bn(co);
      conv(1, c, co, ho, wo); // shortcut after 2×2 average pool
      c = co;
      h = ho;
      w = wo;
    }
    for (let n = 0; n < macro.cellsPerStage; n++) {
      for (let e = 0; e < NB201_EDGES.length; e++) {
        const op = cell.ops[e];
        if (op === 'nor_conv_1x1') conv(1, c, c, h, w);
        else if (op === 'nor_conv_3x3') conv(3, c, c, h, w);
        else continue;
        bn(c);
      }
    }
  }
  bn(c); // last BN before pooling
  params += c * macro.numClasses + macro.numClasses;
  flops += c * macro.numClasses;
  return { params, flops };
}
