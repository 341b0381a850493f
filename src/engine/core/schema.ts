import { z } from 'zod';
import { PAYLOAD_LIMITS } from './limits';
import { clip, QUOTE_MAX, quote } from './quote';

/**
 * The one schema library for everything the app accepts (run config, method settings, the
 * architecture file and its event log, lessons, the link's query): each input is a zod schema,
 * the JSON Schemas shipped for other tools are generated from them (`npm run schemas`), and the
 * messages read the same everywhere. Import `z` from here, never from 'zod' directly: zod compiles
 * fast parsers with `new Function` unless told not to, and the page's CSP refuses eval.
 */
z.config({ jitless: true });

export { z };

/** A value as a message names it: its kind, or the value itself clipped (a message never echoes a megabyte of a file). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'object') return 'an object';
  if (v === undefined) return 'missing';
  return clip(String(v));
}

const article = (what: string) => (/^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`);

/**
 * The wording of zod's own checks, for every schema in the app: "must be …, not <the value>".
 * Schemas that say something more specific pass their own `error`.
 */
function message(iss: z.core.$ZodRawIssue): string | undefined {
  const got = describeValue(iss.input);
  switch (iss.code) {
    case 'invalid_type': {
      const expected = String(iss.expected);
      const what = expected === 'int' ? 'integer' : expected === 'array' ? 'array' : expected === 'record' || expected === 'object' ? 'object' : expected === 'boolean' ? 'true or false' : expected;
      return iss.input === undefined ? `is missing (${what === 'true or false' ? what : article(what)} is needed)` : `must be ${what === 'true or false' ? what : article(what)}, not ${got}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return `must list at least ${iss.minimum}, not ${Array.isArray(iss.input) ? iss.input.length : got}`;
      if (iss.origin === 'string') return `must not be empty`;
      return `must be ${iss.inclusive === false ? '>' : '≥'} ${String(iss.minimum)}, not ${got}`;
    case 'too_big':
      if (iss.origin === 'array') return `must list at most ${iss.maximum}, not ${Array.isArray(iss.input) ? iss.input.length : got}`;
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      return `must be ${iss.inclusive === false ? '<' : '≤'} ${String(iss.maximum)}, not ${got}`;
    case 'invalid_value':
      return `must be ${iss.values.length === 1 ? JSON.stringify(iss.values[0]) : `one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`}, not ${got}`;
    case 'unrecognized_keys':
      return `has unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.slice(0, 5).map((k) => quote(k)).join(', ')}`;
    case 'invalid_format':
      return `must be ${article(String(iss.format))}, not ${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}, not ${got}`;
    default:
      return undefined;
  }
}

z.config({ customError: message });

/** A zod path as the messages write it: config.supernet.steps, log[3].arch. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${clip(String(k), 40)}` : clip(String(k), 40)), '');
}

/** Messages of the wording above, which need the field's path in front; or a context in parentheses, "(nao embedding): …", that follows it. */
const GENERIC = /^(must|is missing|has unknown|\()/;

export interface IssueOptions {
  /** A path put before every path ("config"). */
  root?: string;
  max?: number;
  /** 'generic': only the wording above gets its path; a schema's own messages already name their field. */
  paths?: 'all' | 'generic';
}

/**
 * A zod error as the app's messages: the field's path, then what is wrong ("budget must be ≥ 1,
 * not 0"; "edges[2].op: unknown op …"). A union's message is its first branch's deepest. Bounded in
 * count and length.
 */
export function issueMessages(issues: readonly z.core.$ZodIssue[], opts: IssueOptions = {}): string[] {
  const max = opts.max ?? 25;
  const out: string[] = [];
  for (const iss of issues) {
    if (out.length >= max) {
      out.push('… further errors not shown');
      break;
    }
    const at = [...(opts.root ? [opts.root] : []), ...iss.path];
    const where = pathText(at);
    const text = iss.message;
    const generic = GENERIC.test(text);
    const line = !where || (opts.paths === 'generic' && !generic) ? text : generic ? `${where} ${text}` : `${where}: ${text}`;
    out.push(clip(line, 4 * QUOTE_MAX));
  }
  return out;
}

/** A measurement: JSON writes NaN (a diverged loss, a missing table cell) as null, read back as NaN. */
export const measured = z.number().nullable().transform((v) => v ?? NaN);

/** A list in an event's payload, bounded (core/limits.ts): a view draws one mark per item. */
export const list = <T extends z.ZodType>(item: T, max: number = PAYLOAD_LIMITS.items) => z.array(item).max(max);

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Parses `input` with `schema`; the app's messages on failure, never a throw. */
export function check<S extends z.ZodType>(schema: S, input: unknown, opts: IssueOptions = {}): Checked<z.output<S>> {
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issueMessages(r.error.issues, opts) };
}
