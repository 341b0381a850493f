import { clip, quote } from './quote';
import { type Checked, pathText, z } from './schema';

/**
 * The pieces a method declares its settings with (`config.methodSettings[id]`): each field once,
 * as a zod schema that carries its range, its message, and (with `.default()` and `.describe()`)
 * its default and its one line of help. Groups are strict, so a misspelt key is refused at any
 * depth instead of being ignored while the run uses the default the user meant to change. The
 * messages keep the wording settings have always had: "lambda must be a number in [0, 1] (got 2)",
 * "targets must be "minmax" or "rank" (got "x")", "unknown setting "constructor"".
 */

/** A value as a settings message quotes it: a number as written, anything else as JSON, clipped. */
export function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number') return String(v);
  return clip(JSON.stringify(v) ?? String(v));
}

/** A number's range: `min`/`max` inclusive, `gt`/`lt` exclusive; `int` for whole numbers. */
export interface NumberRange {
  int?: boolean;
  min?: number;
  gt?: number;
  max?: number;
  lt?: number;
}

/** "an integer ≥ 2", "a number in (0, 1]": what a value within `r` is, for messages. */
export function rangeText(r: NumberRange): string {
  const kind = r.int ? 'an integer' : 'a number';
  const lo = r.min ?? r.gt;
  const hi = r.max ?? r.lt;
  if (lo !== undefined && hi !== undefined) return `${kind} in ${r.min !== undefined ? '[' : '('}${lo}, ${hi}${r.max !== undefined ? ']' : ')'}`;
  if (lo !== undefined) return `${kind} ${r.min !== undefined ? '≥' : '>'} ${lo}`;
  if (hi !== undefined) return `${kind} ${r.max !== undefined ? '≤' : '<'} ${hi}`;
  return kind;
}

/**
 * A number setting named `name` in messages. The bounds are zod's own checks (not a refine), so
 * the generated JSON Schema carries them too. `what` replaces the range's wording where the field
 * is wrapped (a nullable limit reads "a positive number or null").
 */
export function numberSetting(name: string, r: NumberRange, what = rangeText(r)) {
  const error = (iss: { input?: unknown }) => `${name} must be ${what} (got ${shown(iss.input)})`;
  let s = z.number({ error });
  if (r.int) s = s.int({ error });
  if (r.min !== undefined) s = s.min(r.min, { error });
  if (r.gt !== undefined) s = s.gt(r.gt, { error });
  if (r.max !== undefined) s = s.max(r.max, { error });
  if (r.lt !== undefined) s = s.lt(r.lt, { error });
  return s;
}

export const boolSetting = (name: string) => z.boolean({ error: (iss) => `${name} must be true or false (got ${shown(iss.input)})` });

/** `"a" or "b"`, `"a", "b" or "c"`. */
function orList(values: readonly string[]): string {
  const q = values.map((v) => JSON.stringify(v));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

export const enumSetting = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: (iss) => `${name} must be ${orList(values)} (got ${shown(iss.input)})` });

/** A group of settings: unknown keys refused (strict), each named with its path by `settingsProblems`. */
export const settingsGroup = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape);

/** The default of every field of a flat schema whose fields all have `.default()`. */
export function settingDefaults<S extends z.ZodType>(schema: S): z.output<S> {
  return schema.parse({});
}

/** Each top-level field's `.describe()` text: the one line of help a settings form shows. */
export function settingHelp<K extends string>(schema: { shape: Record<K, z.ZodType> }): Record<K, string> {
  return Object.fromEntries(Object.entries<z.ZodType>(schema.shape).map(([k, f]) => [k, f.description ?? ''])) as Record<K, string>;
}

/** How many keys a group may have for an unknown-key message to list them all ("did you mean"). */
const LIST_KEYS_MAX = 6;

/** The strict object at `path` inside `schema` (through defaults, optionals, nullables and lists), for its keys. */
function objectAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = schema;
  const unwrap = (t: z.core.$ZodType): z.core.$ZodType => {
    const def = t._zod.def as { innerType?: z.core.$ZodType };
    return def.innerType ? unwrap(def.innerType) : t;
  };
  for (const k of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    s = def.type === 'object' ? def.shape?.[String(k)] : def.type === 'array' ? def.element : undefined;
  }
  return s && unwrap(s);
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : v === undefined ? 'missing' : typeof v);

/**
 * Why `given` does not fit `schema`, as the app's messages, empty when it does. `name` ("DNA")
 * goes before the structural ones: `unknown DNA setting "supernet.stepz"`, `DNA setting "teacher"
 * must be an object, not null`; a field's own message already names the field.
 */
export function settingsProblems(schema: z.ZodType, given: unknown, name?: string): string[] {
  const r = parseSettings(schema, given, name);
  return r.ok ? [] : r.errors;
}

/** `given` parsed by `schema` (defaults filled in), or the messages of `settingsProblems`. */
export function parseSettings<S extends z.ZodType>(schema: S, given: unknown, name?: string): Checked<z.output<S>> {
  const r = schema.safeParse(given, { reportInput: true });
  if (r.success) return { ok: true, value: r.data };
  const who = name ? `${name} setting` : 'setting';
  const out = new Set<string>();
  for (const iss of r.error.issues) {
    if (iss.code === 'unrecognized_keys') {
      const at = objectAt(schema, iss.path);
      const keys = at && (at._zod.def as { type: string }).type === 'object' ? Object.keys((at._zod.def as unknown as { shape: object }).shape) : [];
      const list = keys.length > 0 && keys.length <= LIST_KEYS_MAX ? ` (settings: ${keys.join(', ')})` : '';
      for (const k of iss.keys) out.add(`unknown ${who} ${quote(pathText([...iss.path, k]))}${list}`);
    } else if (iss.code === 'invalid_type' && (iss.expected === 'object' || iss.expected === 'array')) {
      // A group or list given as something else: said before any of its fields is read.
      const what = `must be ${iss.expected === 'array' ? 'a list' : 'an object'}, not ${kindOf((iss as { input?: unknown }).input)}`;
      out.add(iss.path.length === 0 ? `${name ? `${name} settings` : 'settings'} ${what}` : `${who} ${quote(pathText(iss.path))} ${what}`);
    } else if (/^(must|is missing)/.test(iss.message)) {
      out.add(`${who} ${quote(pathText(iss.path))} ${iss.message}`); // zod's generic wording: the path names the field
    } else {
      out.add(iss.message);
    }
  }
  return { ok: false, errors: [...out] };
}

/**
 * What a user may write for a schema whose groups merge over defaults (DNA's, Cream's): every
 * field, at any depth of groups, optional; lists stay whole, as the merge replaces them. Built
 * field by field rather than with `.partial()`, which zod refuses on a schema with refinements;
 * the refinements themselves (rules across fields) apply to the merged settings, not to this.
 */
export function partialSettingsSchema(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  if (def.type !== 'object' || !def.shape) return schema;
  const shape = Object.fromEntries(
    Object.entries(def.shape).map(([k, f]) => {
      const p = partialSettingsSchema(f).optional();
      return [k, f.description ? p.describe(f.description) : p];
    }),
  );
  const out = z.strictObject(shape);
  return schema.description ? out.describe(schema.description) : out;
}
