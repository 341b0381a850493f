import { clip } from './quote';

/**
 * The largest file each input accepts, checked before a byte is parsed: a 50 MB file once froze
 * the page for minutes. The architecture file may carry a whole run's event log (the longest
 * recorded here, 12,000 events, is 6 MB); NAS-Bench-201's full CIFAR-10 table is 2.4 MB.
 */
export const FILE_LIMITS = {
  architecture: { bytes: 16 * 2 ** 20, what: 'an architecture file (with its run’s event log)' },
  table: { bytes: 8 * 2 ** 20, what: 'a benchmark table' },
  lesson: { bytes: 2 ** 20, what: 'a lesson file' },
  images: { bytes: 64 * 2 ** 20, what: 'an upload of your own images (all its files together)' },
} as const;

/**
 * Sizes inside a method event's payload (its schema's bounds, `core/schema.ts` `list`): a view
 * draws one mark per item and a loop walks a grid per side, so a hostile file must not make
 * either huge. `items` is the longest list a real run emits (NAO's pool is at most the budget,
 * 100,000); `gridSide` bounds a grid's side (NAO's landscape, DNA's feature maps).
 */
export const PAYLOAD_LIMITS = { items: 100_000, gridSide: 1024 } as const;

export type FileKind = keyof typeof FILE_LIMITS;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;

/** Why a file of `bytes` is refused as `kind`, or null when its size is fine. */
export function fileTooLarge(name: string, bytes: number, kind: FileKind): string | null {
  const limit = FILE_LIMITS[kind];
  return bytes > limit.bytes ? `${clip(name)} is ${mb(bytes)}; ${limit.what} may be at most ${mb(limit.bytes)}` : null;
}

/** The limit as the page states it beside the file input. */
export function fileLimitText(kind: FileKind): string {
  return `up to ${mb(FILE_LIMITS[kind].bytes)}`;
}
