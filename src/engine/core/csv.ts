import { quote } from './quote';

/** Line breaks as RFC 4180 files write them (LF, CRLF or CR). */
export const LINE_BREAK = /\r\n|\r|\n/g;
export const lineBreaks = (s: string) => s.match(LINE_BREAK)?.length ?? 0;

/**
 * Why a CSV header's column names cannot be read, or null: a column without a name, a name
 * given twice (the second column would silently overwrite the first), or a name running over
 * several lines (an unclosed quote). Shared by the benchmark table and a learner's pixel CSV,
 * which prefix it with where it is; `header` is as the reader compares names (trimmed, and
 * lower-cased where the reader ignores case).
 */
export function headerNamesProblem(header: readonly string[]): string | null {
  const seen = new Map<string, number>();
  for (const [k, h] of header.entries()) {
    if (h === '') return `column ${k + 1} of the header has no name`;
    if (lineBreaks(h) > 0) return `the name of column ${k + 1} runs over ${lineBreaks(h) + 1} lines (${quote(h)}): is a closing quote missing?`;
    const first = seen.get(h);
    if (first !== undefined) return `the header names column ${quote(h)} twice (columns ${first + 1} and ${k + 1})`;
    seen.set(h, k);
  }
  return null;
}
