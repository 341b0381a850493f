import type { BlockOp } from '../../engine/spaces/blocks';
import type { Nb201Op } from '../../engine/spaces/nb201';

/**
 * The palette for ops, block ops and methods: CSS custom properties defined once in styles.css
 * (Okabe–Ito, distinguishable under the common colour-vision deficiencies, with dark-theme
 * variants). SVG presentation attributes and React style props take var() as they take a hex.
 */
export const opColor = (op: Nb201Op): string => `var(--op-${op})`;

/**
 * An op's identity beyond its hue, for a reader who cannot tell two colours apart: each op's
 * edges have their own dash pattern (and the cell graph labels every edge).
 */
export const OP_DASH: Record<Nb201Op, string | undefined> = {
  none: '2 5',
  skip_connect: '10 4',
  nor_conv_1x1: '6 2 2 2',
  nor_conv_3x3: undefined,
  avg_pool_3x3: '3 3',
};

/** A block op's colour: hue by kernel (3×3 blues, 5×5 oranges), lightness by expansion; skip grey. */
export const blockOpColor = (op: BlockOp): string => `var(--block-${op})`;

export const SERIES = 6;
/** The k-th series of a chart (a method, a block), in the palette's order; repeats after six. */
export const seriesColor = (k: number): string => `var(--series-${(((k % SERIES) + SERIES) % SERIES) + 1})`;

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
