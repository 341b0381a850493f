import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUOTE_MAX } from '../src/engine/core/quote';
import { type BenchmarkTable, parseBenchmarkCsv, TableError } from '../src/engine/evaluate/table';

/**
 * The benchmark-table reader (issue #12, "CSV through a real parser"): RFC 4180 quoting, every
 * line ending, a byte-order mark before the provenance, strictly decimal numbers, a header with
 * one name per column, and messages that name the file and line and quote little of the input.
 */
const A = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';
const B = '|nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';
const PLAIN = `# recipe: test\n# seeds: 0, 1\narch,val_acc,test_acc\n${A},90.5,91\n${B},80,81.25\n`;
const plain = parseBenchmarkCsv(PLAIN, 't.csv');

const parse = (text: string) => parseBenchmarkCsv(text, 't.csv');
const message = (text: string): string => {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(TableError);
    return (err as Error).message;
  }
  throw new Error('the table was accepted');
};
const sameTable = (t: BenchmarkTable, want: BenchmarkTable = plain) => {
  expect(t.columns).toEqual(want.columns);
  expect([...t.rows]).toEqual([...want.rows]);
  expect(t.provenance).toEqual(want.provenance);
};

describe('valid files read to the same table as the plain one', () => {
  it('the plain file', () => {
    expect(plain.columns).toEqual(['val_acc', 'test_acc']);
    expect(plain.rows.get(A)).toEqual({ val_acc: 90.5, test_acc: 91 });
    expect(plain.provenance).toEqual(['recipe: test', 'seeds: 0, 1']);
  });

  it('RFC 4180 quoting: quoted arch and numbers, commas, doubled quotes and line breaks inside quotes', () => {
    const text = `# recipe: test\n# seeds: 0, 1\nindex,"arch",val_acc,"test_acc"\n"first, ""a"" row",${A},"90.5",91\n"two\nlines",${B},80,"81.25"\n`;
    sameTable(parse(text));
    // The row after a field that spans two lines is counted from the right line.
    expect(message(`${text}"x",${A},1,2\n`)).toBe(`t.csv, line 7: ${A} appears twice`);
  });

  it('line endings LF, CRLF and CR, with and without a final line break', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      sameTable(parse(PLAIN.replaceAll('\n', eol)));
      sameTable(parse(PLAIN.replaceAll('\n', eol).slice(0, -eol.length)));
      expect(message(PLAIN.replaceAll('\n', eol).replace('81.25', 'x'))).toMatch(/^t\.csv, line 5: /);
    }
  });

  it('a UTF-8 byte-order mark, then comment lines, then the header (as the CLI reads a file saved by Excel)', () => {
    sameTable(parse(`\uFEFF${PLAIN}`));
    sameTable(parse(`\uFEFF${PLAIN.replaceAll('\n', '\r\n')}`));
    expect(message(`\uFEFF${PLAIN}`.replace('81.25', 'x'))).toMatch(/^t\.csv, line 5: /);
  });

  it('provenance is free text: a quote or comma in a comment before the header is kept as written', () => {
    const t = parse(`# note: "unbalanced, quote\n${PLAIN}`);
    expect(t.provenance).toEqual(['note: "unbalanced, quote', 'recipe: test', 'seeds: 0, 1']);
    sameTable(t, { ...plain, provenance: t.provenance });
  });

  it('blank lines and comment lines between rows are skipped', () => {
    sameTable(parse(PLAIN.replace(`${B}`, `\n   \n# a comment, with "quotes"\n${B}`)));
  });

  it('decimal forms: sign, fraction, leading dot, exponent, spaces around; an empty cell is a missing measurement', () => {
    const t = parse(`arch,a,b,c,d,e,f\n${A},-776.443,+3,.5,1.5e-3,  12  ,\n`);
    expect(t.rows.get(A)).toEqual({ a: -776.443, b: 3, c: 0.5, d: 0.0015, e: 12, f: NaN });
  });
});

describe('numbers are strictly decimal, refused naming the line and the column', () => {
  const bad = (cell: string) => message(PLAIN.replace('81.25', cell));
  it.each([
    ['0x10', '"0x10"'],
    ['1e', '"1e"'],
    ['Infinity', '"Infinity"'],
    [' 12abc', '"12abc"'],
    ['NaN', '"NaN"'],
    ['1e999', '"1e999"'],
    ['0b101', '"0b101"'],
  ])('%j', (cell, shown) => {
    expect(bad(cell)).toBe(`t.csv, line 5: column "test_acc" holds ${shown}, not a number (field 3; numbers are decimal, such as 91.25 or 1.5e-3)`);
  });

  it('an unclosed quote in a number cell says where the field ran to', () => {
    const m = message(`arch,a\n${A},"1\n${B},2\n`);
    const shown = JSON.stringify(`1\n${B}`.slice(0, 59) + '…'); // 60 characters of the field, a line break among them
    expect(m).toBe(`t.csv, line 2: column "a" holds ${shown}, not a number (field 2; numbers are decimal, such as 91.25 or 1.5e-3) (its quoted field runs on to line 3: is a closing quote missing?)`);
  });
});

describe('the header names each column once', () => {
  it('a duplicate column name is refused, naming the header line', () => {
    expect(message(PLAIN.replace('arch,val_acc,test_acc', 'arch,val_acc,test_acc,val_acc'))).toBe('t.csv, line 3: the header names column "val_acc" twice (columns 2 and 4)');
  });

  it('a second arch column is a duplicate', () => {
    expect(message(`arch,val_acc,arch\n${A},1,${B}\n`)).toBe('t.csv, line 1: the header names column "arch" twice (columns 1 and 3)');
  });

  it('names are compared after trimming, as they are used', () => {
    expect(message(`arch,val_acc, val_acc \n${A},1,2\n`)).toBe('t.csv, line 1: the header names column "val_acc" twice (columns 2 and 3)');
  });

  it('an empty column name is refused, naming the header line', () => {
    expect(message(PLAIN.replace('arch,val_acc,test_acc', 'arch,val_acc,,test_acc'))).toBe('t.csv, line 3: column 3 of the header has no name');
    expect(message(`\uFEFF# c\narch,val_acc,\n${A},1,\n`)).toBe('t.csv, line 2: column 3 of the header has no name');
  });

  it('a header name running over lines (an unclosed quote) is refused', () => {
    expect(message(`arch,"val_acc\n${A},1\n`)).toMatch(/^t\.csv, line 1: the name of column 2 runs over 2 lines \("val_acc\\n\|skip_connect/);
  });
});

describe('messages quote at most ~60 characters of the input, after the file name and line', () => {
  const long = 'x'.repeat(100_000);
  it('a long number cell', () => {
    const m = message(PLAIN.replace('81.25', long));
    expect(m).toBe(`t.csv, line 5: column "test_acc" holds "${'x'.repeat(QUOTE_MAX - 1)}…", not a number (field 3; numbers are decimal, such as 91.25 or 1.5e-3)`);
  });

  it('a long arch string', () => {
    const m = message(`arch,a\n|${long}|,1\n`);
    expect(m.startsWith('t.csv, line 2: ')).toBe(true);
    expect(m.length).toBeLessThan(200);
    expect(m).toContain('…');
  });

  it('a long column name', () => {
    const m = message(`arch,${long},${long}\n${A},1,2\n`);
    expect(m.startsWith('t.csv, line 1: the header names column "xxx')).toBe(true);
    expect(m.length).toBeLessThan(200);
  });

  it('a long header without arch', () => {
    const m = message(`${long},${long}\n1,2\n`);
    expect(m.startsWith('t.csv, line 1: the header has no "arch" column (found: xxx')).toBe(true);
    expect(m.length).toBeLessThan(200);
  });

  it('a comment line in the body that opens a quote running to the end is refused, not silently eaten', () => {
    expect(message(`arch,a\n# note,"open\n${A},1\n${B},2\n`)).toBe('t.csv, line 2: a comment line opens a quote that runs on to line 4');
  });
});

describe('the shipped tables read as before', () => {
  it('every table in public/benchmarks that is an NB-201 table', () => {
    const dir = path.join(__dirname, '..', 'public', 'benchmarks');
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as { tables: { file: string; rows: number; columns: string[] }[] };
    for (const e of index.tables) {
      const t = parseBenchmarkCsv(readFileSync(path.join(dir, e.file), 'utf8'), e.file);
      expect(t.rows.size).toBe(e.rows);
      expect(t.columns).toEqual(e.columns);
      for (const rec of t.rows.values()) for (const v of Object.values(rec)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
