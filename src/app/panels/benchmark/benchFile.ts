import { useEffect, useState } from 'react';
import { check, z } from '../../../engine/core/schema';

/**
 * The bench's files the page reads (public/benchmarks/*.json, written by `npm run bench`): what
 * every one of them says about itself, how a fault is named (the file, then the first two faults:
 * a line on the page, not a list), how it is fetched (a missing file is null: the bench has not
 * run yet), and the hook a panel reads it with (fetched once per page: the files are static).
 */
export const benchFileHeader = {
  schema: z.literal(1),
  generated: z.string().min(1).max(100),
  command: z.string().min(1).max(500),
  machine: z.string().max(500),
  seeds: z.array(z.number().int()).min(1).max(20),
};

export function checkBenchFile<T>(schema: z.ZodType<T>, file: string, raw: unknown): T {
  const r = check(schema, raw);
  if (!r.ok) throw new Error(`${file}: ${r.errors.slice(0, 2).join('; ')}${r.errors.length > 2 ? ` (and ${r.errors.length - 2} more)` : ''}`);
  return r.value;
}

/** `baseUrl` is the app's base (import.meta.env.BASE_URL in the page). */
export async function fetchBenchFile<T>(baseUrl: string, file: string, checkFile: (raw: unknown) => T): Promise<T | null> {
  const res = await fetch(`${baseUrl}${file}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`could not load ${file}: HTTP ${res.status}`);
  return checkFile(await res.json());
}

const pending = new Map<string, Promise<unknown>>();

/** A bench file for a panel: null until loaded (or when absent), and the one-line fault if it is damaged. */
export function useBenchFile<T>(baseUrl: string, file: string, checkFile: (raw: unknown) => T): { file: T | null; error: string | null } {
  const [state, setState] = useState<{ file: T | null; error: string | null }>({ file: null, error: null });
  useEffect(() => {
    let live = true;
    const key = `${baseUrl}${file}`;
    if (!pending.has(key)) pending.set(key, fetchBenchFile(baseUrl, file, checkFile));
    (pending.get(key) as Promise<T | null>).then(
      (f) => live && setState({ file: f, error: null }),
      (err: unknown) => live && setState({ file: null, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [baseUrl, file, checkFile]);
  return state;
}
