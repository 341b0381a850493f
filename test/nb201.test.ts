import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/core/rng';
import {
  cellAt,
  cellIndex,
  formatCell,
  isConnected,
  mutateCell,
  NB201_SPACE_SIZE,
  parseCell,
  sampleCell,
} from '../src/engine/spaces/nb201';
import { NB201_CSV, nb201Present } from '../scripts/lib/tables';

const hasTable = nb201Present('the NAS-Bench-201 table check of the cell parser');

describe('NAS-Bench-201 cell space', () => {
  it('every one of the 15,625 cells survives format → parse, and indices are a bijection', () => {
    const seen = new Set<string>();
    for (let i = 0; i < NB201_SPACE_SIZE; i++) {
      const cell = cellAt(i);
      const s = formatCell(cell);
      const r = parseCell(s);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.cell.ops).toEqual(cell.ops);
        expect(cellIndex(r.cell)).toBe(i);
      }
      seen.add(s);
    }
    expect(seen.size).toBe(15_625);
  });

  it.each([
    ['', 'starts and ends with "|"'],
    ['|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|', 'expected 3 node groups'],
    ['|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|', 'unknown op "conv_5x5"'],
    ['|none~1|+|none~0|none~1|+|none~0|none~1|none~2|', 'must come from node 0'],
    ['|none~0|+|none~0|+|none~0|none~1|none~2|', 'expected 2 incoming edge(s)'],
    ['|none~0|+|none~0|none-1|+|none~0|none~1|none~2|', 'not of the form op~input'],
  ])('rejects %j with a reason', (text, reason) => {
    const r = parseCell(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('samples within an op subset and mutates exactly one edge', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const cell = sampleCell(rng, ['skip_connect', 'nor_conv_3x3']);
      expect(cell.ops.every((o) => o === 'skip_connect' || o === 'nor_conv_3x3')).toBe(true);
      const child = mutateCell(cell, rng, ['skip_connect', 'nor_conv_3x3']);
      expect(child.ops.filter((o, e) => o !== cell.ops[e]).length).toBe(1);
    }
  });

  it('knows which cells carry no signal from input to output', () => {
    expect(isConnected(parseCellOk('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'))).toBe(false);
    expect(isConnected(parseCellOk('|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|'))).toBe(false);
    expect(isConnected(parseCellOk('|skip_connect~0|+|none~0|none~1|+|none~0|avg_pool_3x3~1|none~2|'))).toBe(true);
  });

  it.skipIf(!hasTable)('parses every arch string of the NAS-Bench-201 table (../shared/datasets)', () => {
    const lines = readFileSync(NB201_CSV, 'utf8').trim().split('\n').slice(1);
    expect(lines.length).toBe(15_625);
    const seen = new Set<number>();
    for (const line of lines) {
      const arch = line.split(',')[1];
      const r = parseCell(arch);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(formatCell(r.cell)).toBe(arch);
        seen.add(cellIndex(r.cell));
      }
    }
    expect(seen.size).toBe(15_625);
  });
});

function parseCellOk(s: string) {
  const r = parseCell(s);
  if (!r.ok) throw new Error(r.reason);
  return r.cell;
}
