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
