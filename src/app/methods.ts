import type { MethodId } from '../engine/core/config';
import { METHOD_CATALOG, type MethodInfo } from '../engine/methods/catalog';

/**
 * Every method the playground offers, in menu order. Read from the engine's catalog, which holds
 * no implementation, so the page bundle stays free of TensorFlow.js.
 */
export type MethodOption = MethodInfo;

export const METHOD_OPTIONS: readonly MethodOption[] = METHOD_CATALOG;

export function methodOption(id: MethodId): MethodOption {
  return METHOD_OPTIONS.find((m) => m.id === id) ?? METHOD_OPTIONS[0];
}

export function isAvailableMethod(id: string): id is MethodId {
  return METHOD_OPTIONS.some((m) => m.id === id && m.available);
}
