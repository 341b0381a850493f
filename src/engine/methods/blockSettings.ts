import { list, z } from '../core/schema';
import { shown } from '../core/settings';
import { BLOCK_LIMITS, BLOCK_OPS } from '../spaces/blocks';

/**
 * The `ops` setting DNA and Cream share: the block ops a layer may choose. A block's first layer
 * changes the shape (stride, width), which 'skip' cannot, so the list needs an MBConv op.
 */
export const blockOpsSchema = (method: string) =>
  z
    .array(z.enum(BLOCK_OPS, { error: (iss) => `unknown block op ${shown(iss.input)} (ops: ${BLOCK_OPS.join(', ')})` }))
    .min(1, { error: `${method} needs at least one op` })
    .refine((ops) => ops.some((o) => o !== 'skip'), { error: 'the first layer of a block changes shape, so at least one MBConv op is needed' });

/** A block op as events carry it (DNA's and Cream's payloads). */
export const blockOpSchema = z.enum(BLOCK_OPS);

/** One block of a chain's skeleton as events carry it (spaces/blocks.ts BlockStage), within the space's limits. */
export const blockStageSchema = z.object({
  channels: z.int().min(BLOCK_LIMITS.channels[0]).max(BLOCK_LIMITS.channels[1]),
  stride: z.int().min(1).max(2),
  layers: z.int().min(BLOCK_LIMITS.layers[0]).max(BLOCK_LIMITS.layers[1]),
});

/** An input shape [height, width, channels] as events carry it. */
export const inputShapeSchema = z.tuple([
  z.int().min(BLOCK_LIMITS.inputSide[0]).max(BLOCK_LIMITS.inputSide[1]),
  z.int().min(BLOCK_LIMITS.inputSide[0]).max(BLOCK_LIMITS.inputSide[1]),
  z.int().min(BLOCK_LIMITS.inputChannels[0]).max(BLOCK_LIMITS.inputChannels[1]),
]);

/** What a block method's `setup` event says of the space it searches: the same fields for DNA and Cream. */
export const blockSetupFields = {
  dataset: z.string(),
  inputShape: inputShapeSchema,
  stemChannels: z.int().min(1),
  stages: list(blockStageSchema),
  ops: list(blockOpSchema),
};
