import { describe, expect, it } from 'vitest';
import { FILE_LIMITS, fileTooLarge } from '../src/engine/core/limits';
import { parseBenchmarkCsv } from '../src/engine/evaluate/table';
import { parseArchitectureFile, validateArchitectureFile } from '../src/engine/export';

describe('input limits and short messages', () => {
  it('refuses a file over its limit before parsing, naming the file, its size and the limit', () => {
    expect(fileTooLarge('run.json', FILE_LIMITS.architecture.bytes, 'architecture')).toBeNull();
    expect(fileTooLarge('run.json', 50 * 2 ** 20, 'architecture')).toBe('run.json is 50 MB; an architecture file (with its run’s event log) may be at most 16 MB');
    expect(fileTooLarge('t.csv', 9 * 2 ** 20, 'table')).toBe('t.csv is 9.0 MB; a benchmark table may be at most 8.0 MB');
    const huge = `{"schema": "${'x'.repeat(FILE_LIMITS.architecture.bytes)}"}`;
    const t0 = performance.now();
    const r = parseArchitectureFile(huge, 'huge.json');
    expect(performance.now() - t0).toBeLessThan(1000); // refused on its length, not after a parse
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^huge\.json is 16 MB; an architecture file/)] });
    expect(() => parseBenchmarkCsv('arch,a\n'.padEnd(FILE_LIMITS.table.bytes + 1, 'x'), 'big.csv')).toThrow(/^big\.csv is 8\.0 MB; a benchmark table may be at most 8\.0 MB$/);
  });

  it('quotes at most ~60 characters of an offending value, however long', () => {
    const long = 'é'.repeat(1_000_000);
    const r = validateArchitectureFile({ schema: long });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].length).toBeLessThan(200);
    expect(r.errors[0]).toContain('…');
    const many = validateArchitectureFile({ schema: 'nas-playground/architecture', version: 2, space: 'nb201', arch: `|${'nor_conv_3x3~0|'.repeat(100_000)}` });
    expect(many.ok).toBe(false);
    if (!many.ok) for (const e of many.errors) expect(e.length, e.slice(0, 80)).toBeLessThanOrEqual(240);
  });
});
