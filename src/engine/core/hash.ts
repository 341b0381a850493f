/**
 * FNV-1a, 32 bits, of a text, with its length: tells two texts apart cheaply where a collision
 * would only cost a refused match (the same uploaded table, a checkpoint's saved events), never
 * security.
 */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16).padStart(8, '0')}:${text.length}`;
}

/**
 * JSON with every object's keys sorted (NaN written as null, as JSON does): the same value gives
 * the same text however it was built — a log re-read through its schema lists an event's fields
 * in the schema's order, not the emitter's — so events and configs compare and hash by content.
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}
