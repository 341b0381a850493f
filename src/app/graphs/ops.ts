import * as d3 from 'd3';
import { NB201_OPS, type Nb201Op } from '../../engine/spaces/nb201';

/** One colour per op (ColorBrewer Dark2, distinct when projected); 'none' is grey because it carries nothing. */
export const opColor = d3
  .scaleOrdinal<Nb201Op, string>()
  .domain(NB201_OPS)
  .range(['#9aa0a6', '#1b9e77', '#7570b3', '#d95f02', '#e7298a']);

/** An op's colour darkened for text on white: the line colours are too light for 4.5:1 contrast. */
export const opTextColor = (op: Nb201Op): string => d3.color(opColor(op))!.darker(0.9).formatHex();

export const OP_LABELS: Record<Nb201Op, string> = {
  none: 'none (no connection)',
  skip_connect: 'skip (identity)',
  nor_conv_1x1: 'conv 1×1',
  nor_conv_3x3: 'conv 3×3',
  avg_pool_3x3: 'avg pool 3×3',
};

export const OP_SHORT: Record<Nb201Op, string> = {
  none: 'none',
  skip_connect: 'skip',
  nor_conv_1x1: 'conv1×1',
  nor_conv_3x3: 'conv3×3',
  avg_pool_3x3: 'pool3×3',
};
