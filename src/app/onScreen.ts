import type { MethodId } from '../engine/core/config';
import { methodInfo, SPACE_WORDS, type MethodInfo } from '../engine/methods/catalog';
import { useSettings } from './settings';
import { useRunStart } from './store';

/**
 * The method whose run is on screen (recorded, imported or live), or before any run the one
 * selected: what the shared panels word their numbers by (its catalog entry's `views`).
 */
export function useShownMethod(): MethodInfo {
  const runStart = useRunStart();
  const selected = useSettings((s) => s.settings.method);
  const id: MethodId = runStart?.config.method ?? selected;
  return methodInfo(id);
}

/** The on-screen method's words for one architecture of its space ("cell", "block chain"). */
export function useSpaceWords(): (typeof SPACE_WORDS)[keyof typeof SPACE_WORDS] {
  return SPACE_WORDS[useShownMethod().space];
}
