import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../params';

/** One tensor in a weights file: where its float32 values start (in floats) and what it is. */
export interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
  kind: 'trainable' | 'bn-stat';
}

/** Every trainable variable and BatchNorm running statistic of a store, flattened in a stable (sorted) order. */
export async function exportWeights(store: ParamStore): Promise<{ entries: WeightEntry[]; data: Float32Array }> {
  const all: { name: string; v: tf.Variable; kind: WeightEntry['kind'] }[] = [
    ...[...store.vars].map(([name, v]) => ({ name, v, kind: 'trainable' as const })),
    ...[...store.stats].map(([name, v]) => ({ name, v, kind: 'bn-stat' as const })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const total = all.reduce((n, e) => n + e.v.size, 0);
  const data = new Float32Array(total);
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const e of all) {
    data.set(await e.v.data(), offset);
    entries.push({ name: e.name, shape: [...e.v.shape], offset, kind: e.kind });
    offset += e.v.size;
  }
  return { entries, data };
}

/**
 * Loads values into a store whose trainable variables already exist (build the network first);
 * running statistics are created as needed. Names and shapes must match exactly.
 */
export function importWeights(store: ParamStore, entries: readonly WeightEntry[], data: Float32Array): void {
  const trainable = entries.filter((e) => e.kind === 'trainable').map((e) => e.name);
  const missing = [...store.vars.keys()].filter((n) => !trainable.includes(n));
  if (missing.length > 0) throw new Error(`weights file lacks ${missing.length} tensor(s) of the network, e.g. ${missing[0]}`);
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset < 0 || e.offset + size > data.length) throw new Error(`weights file: ${e.name} lies outside the data (${data.length} floats)`);
    // runningStat's initial fill is a plain tensor: made inside a tidy so it is released.
    const target = e.kind === 'trainable' ? store.vars.get(e.name) : tf.tidy(() => store.runningStat(e.name, e.shape[0], 0));
    if (!target) throw new Error(`weights file has ${e.name}, which the network does not`);
    if (target.shape.join('x') !== e.shape.join('x')) throw new Error(`weights file: ${e.name} has shape [${e.shape}], the network [${target.shape}]`);
    tf.tidy(() => target.assign(tf.tensor(data.subarray(e.offset, e.offset + size), e.shape)));
  }
}
