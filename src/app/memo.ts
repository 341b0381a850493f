/**
 * `f` remembered per argument object, for as long as that object lives: a fold of one log array,
 * a statistic of one event's payload. Views call it from a render that React may repeat or restart
 * (a deferred render interrupted by input, a remount), so the work is done once per object, not
 * once per render.
 */
export function memoByRef<K extends object, V>(f: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key)!;
    const v = f(key);
    cache.set(key, v);
    return v;
  };
}
