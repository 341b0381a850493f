import { z } from '../core/schema';
import { shown } from '../core/settings';
import { BLOCK_OPS } from '../spaces/blocks';

/**
 * The `ops` setting DNA and Cream share: the block ops a layer may choose. A block's first layer
 * changes the shape (stride, width), which 'skip' cannot, so the list needs an MBConv op.
 */
export const blockOpsSchema = (method: string) =>
  z
    .array(z.enum(BLOCK_OPS, { error: (iss) => `unknown block op ${shown(iss.input)} (ops: ${BLOCK_OPS.join(', ')})` }))
    .min(1, { error: `${method} needs at least one op` })
    .refine((ops) => ops.some((o) => o !== 'skip'), { error: 'the first layer of a block changes shape, so at least one MBConv op is needed' });
