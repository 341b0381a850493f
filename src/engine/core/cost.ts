import { measured, z } from './schema';

/**
 * What a network costs, in every space: the NB-201 macro network's exact count (nn/macro.ts) and
 * the block chains' (spaces/blocks.ts) both report it, and events carry it. Here in core so events
 * and spaces need nothing from nn.
 */
export const costSchema = z.object({
  /** Trainable parameters (conv, BN affine, linear). */
  params: measured,
  /** Multiply-accumulates of conv and linear layers, as NAS-Bench-201 counts FLOPs. */
  flops: measured,
});
export type Cost = z.output<typeof costSchema>;
