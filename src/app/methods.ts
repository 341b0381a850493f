import type { MethodId } from '../engine/core/config';
import { METHOD_CATALOG, type MethodInfo, methodInfo } from '../engine/methods/catalog';

/**
 * Every method the playground offers, in menu order. Read from the engine's catalog, which holds
 * no implementation, so the page bundle stays free of TensorFlow.js.
 */
export type MethodOption = MethodInfo;

export const METHOD_OPTIONS: readonly MethodOption[] = METHOD_CATALOG;

/** The catalog's own lookup: one way to find a method's entry. */
export const methodOption: (id: MethodId) => MethodOption = methodInfo;

export function isAvailableMethod(id: string): id is MethodId {
  return METHOD_OPTIONS.some((m) => m.id === id && m.available);
}
