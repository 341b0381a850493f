import { create } from 'zustand';
import { DEFAULT_CONFIG, runConfigSchema, withDefaults, type EvaluatorId, type MethodId, type RunConfig, type Speed } from '../engine/core/config';
import { DATASET_IDS, isUserDatasetId, type DatasetId } from '../engine/data/datasets';
import { z } from '../engine/core/schema';
import type { BenchmarkTable } from '../engine/evaluate/table';
import type { Nb201Op } from '../engine/spaces/nb201';
import type { BackendChoice } from '../worker/protocol';
import { methodInfo, PRESET_IDS, type PresetId } from '../engine/methods/catalog';
import { isAvailableMethod, METHOD_OPTIONS } from './methods';
import { quote } from '../engine/core/quote';
import { isTheme } from './theme';

/**
 * The controls' state, and its round trip through the URL query string (as TensorFlow Playground
 * does), so a shared link reproduces a setup. Number fields hold the text as typed: checkConfig
 * judges them when a run starts, which gives one place for the rules and one wording.
 */
export interface Settings {
  method: MethodId;
  /**
   * The preset the lengths below start from (each method's Quick or Thorough, from the catalog).
   * Choosing a preset or a method rewrites them; editing one afterwards keeps the preset as the
   * base the link is written against, so a link holds only what differs from it.
   */
  preset: PresetId;
  dataset: DatasetId;
  evaluator: EvaluatorId;
  budget: string;
  seed: string;
  speed: Speed;
  backend: BackendChoice;
  supernetSteps: string;
  standaloneEpochs: string;
  finalEpochs: string;
  searchColumn: string;
  reportColumn: string;
  /**
   * The current method's own settings as JSON text: only what differs from its defaults (they are
   * merged over them). Empty means all defaults. The method checks it when a run starts.
   */
  methodSettings: string;
}

export const SPEEDS: { id: Speed; title: string }[] = [
  { id: 'max', title: 'max (flat out)' },
  { id: 'fast', title: 'fast' },
  { id: 'normal', title: 'normal' },
  { id: 'slow', title: 'slow (watch each step)' },
];
export const EVALUATORS: { id: EvaluatorId; title: string; hint: string }[] = [
  { id: 'supernet', title: 'Supernet (weight sharing)', hint: 'Trains one big network holding every op once; a candidate is scored with the shared weights, in milliseconds.' },
  { id: 'standalone', title: 'Standalone training', hint: 'Trains every candidate from scratch for a few epochs: honest scores, slow.' },
  { id: 'table', title: 'Benchmark table', hint: 'Looks each candidate up in a table of measured results (NAS-Bench-201): instant, no training.' },
];
export const BACKENDS: { id: BackendChoice; title: string }[] = [
  { id: 'auto', title: 'auto (fastest available)' },
  { id: 'webgpu', title: 'WebGPU' },
  { id: 'webgl', title: 'WebGL' },
  { id: 'cpu', title: 'CPU' },
];

const d = DEFAULT_CONFIG;

/** The fields a preset sets. */
export const PRESET_FIELDS = ['budget', 'supernetSteps', 'standaloneEpochs', 'finalEpochs', 'methodSettings'] as const;
export type PresetFields = Pick<Settings, (typeof PRESET_FIELDS)[number]>;

/** A method's preset as the controls' fields: what the catalog's preset sets, today's defaults elsewhere. */
export function presetFields(method: MethodId, preset: PresetId): PresetFields {
  const p = methodInfo(method).presets[preset];
  return {
    budget: String(p.budget ?? d.budget),
    supernetSteps: String(p.supernet?.steps ?? d.supernet.steps),
    standaloneEpochs: String(p.standalone?.epochs ?? d.standalone.epochs),
    finalEpochs: String(p.final?.epochs ?? d.final.epochs),
    methodSettings: p.methodSettings ? JSON.stringify(p.methodSettings) : '',
  };
}

/** The preset-governed fields that differ from the current preset (method settings compared as JSON, not as typed). */
export function changedFromPreset(s: Settings): (typeof PRESET_FIELDS)[number][] {
  const base = presetFields(s.method, s.preset);
  const same = (k: (typeof PRESET_FIELDS)[number]) => {
    if (k !== 'methodSettings') return s[k].trim() === base[k];
    const a = parseMethodSettings(s[k]);
    const b = parseMethodSettings(base[k]);
    return a.ok && b.ok ? JSON.stringify(a.value) === JSON.stringify(b.value) : s[k] === base[k];
  };
  return PRESET_FIELDS.filter((k) => !same(k));
}

/** Quick is the default for a live run: a class sees the method at work in about a minute. */
export const DEFAULT_SETTINGS: Settings = {
  method: d.method,
  preset: 'quick',
  dataset: d.dataset,
  evaluator: d.evaluator,
  seed: String(d.seed),
  speed: d.speed,
  backend: 'auto',
  searchColumn: d.table.searchColumn,
  reportColumn: d.table.reportColumn,
  ...presetFields(d.method, 'quick'),
};

/** The method settings text as an object, or why it is not one. */
export function parseMethodSettings(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'must be a JSON object such as {"supernet": {"steps": 300}}' };
  return { ok: true, value: v as Record<string, unknown> };
}

/**
 * The link's state: one zod schema per query key (its value is text, as typed), so a link is read
 * by the same library as every other input. A value a rule refuses is reported and the default
 * kept; the whole config is judged again when a run starts.
 */
const oneOf = (allowed: () => readonly string[], what: string) => z.string().refine((v) => allowed().includes(v), { error: () => `unknown ${what} (choose ${allowed().join(', ')})` });
const wholeNumber = (min: number) => z.string().regex(/^-?\d+$/, { error: `not a whole number ≥ ${min}` }).refine((v) => Number(v) >= min, { error: `not a whole number ≥ ${min}` });
const notEmpty = z.string().refine((v) => v.trim() !== '', { error: 'empty' });

export const linkSchema = {
  method: z
    .string()
    .refine((v) => METHOD_OPTIONS.some((m) => m.id === v), { error: () => `unknown method (choose ${METHOD_OPTIONS.filter((m) => m.available).map((m) => m.id).join(', ')})`, abort: true })
    .refine(isAvailableMethod, { error: 'that method is not available yet' }),
  preset: oneOf(() => PRESET_IDS, 'preset'),
  // A learner's dataset is accepted by its form here; whether this browser holds it is the run check's to say.
  dataset: z.string().refine((v) => (DATASET_IDS as readonly string[]).includes(v) || (isUserDatasetId(v) && runConfigSchema.shape.dataset.safeParse(v).success), { error: () => `unknown dataset (choose ${DATASET_IDS.join(', ')} or one of your own, user:…)` }),
  evaluator: oneOf(() => EVALUATORS.map((e) => e.id), 'evaluator'),
  budget: wholeNumber(1),
  seed: z.string().refine((v) => /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)), { error: 'not a whole number' }),
  speed: oneOf(() => SPEEDS.map((s) => s.id), 'speed'),
  backend: oneOf(() => BACKENDS.map((b) => b.id), 'backend'),
  supernetSteps: wholeNumber(0),
  standaloneEpochs: wholeNumber(1),
  finalEpochs: wholeNumber(1),
  searchColumn: notEmpty,
  reportColumn: notEmpty,
  methodSettings: z.string().superRefine((v, ctx) => {
    const r = parseMethodSettings(v);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
  }),
} satisfies Record<keyof Settings, z.ZodType<string>>;

type Rule = { key: keyof Settings; check: (v: string) => string | null };
/** Query keys in the order they are written. */
const RULES: Rule[] = (Object.keys(linkSchema) as (keyof typeof linkSchema)[]).map((key) => ({
  key,
  check: (v: string) => {
    const r = linkSchema[key].safeParse(v);
    return r.success ? null : (r.error.issues[0]?.message ?? 'not allowed');
  },
}));
/** Always written; the rest only when they differ from the default, to keep links short. */
const CORE_KEYS = new Set<keyof Settings>(['method', 'preset', 'dataset', 'evaluator', 'seed', 'speed', 'backend']);

/** Link keys that are not settings but belong to another part of the page: the gallery's `run`, the lesson player's `lesson`, the display's `projector` and `theme`. */
const OTHER_QUERY_KEYS = ['run', 'lesson', 'projector', 'theme'];

export function settingsFromQuery(search: string): { settings: Settings; notices: string[] } {
  const q = new URLSearchParams(search);
  const settings = { ...DEFAULT_SETTINGS };
  const notices: string[] = [];
  for (const { key, check } of RULES) {
    const v = q.get(key);
    if (v !== null) {
      const why = check(v.trim());
      if (why) notices.push(`Link setting ${key}=${JSON.stringify(v)}: ${why}; using the default ${JSON.stringify(settings[key])}.`);
      else (settings as Record<string, string>)[key] = v.trim();
    }
    // The method and preset come first in RULES: the lengths the link leaves out are the preset's.
    if (key === 'preset') Object.assign(settings, presetFields(settings.method, settings.preset));
  }
  const known = new Set([...RULES.map((r) => r.key as string), ...OTHER_QUERY_KEYS]);
  for (const key of q.keys()) if (!known.has(key)) notices.push(`Link setting "${key}" is not a setting of this page; ignored.`);
  const theme = q.get('theme');
  if (theme !== null && !isTheme(theme)) notices.push(`Link setting "theme" must be "dark" or "light", not ${quote(theme)}; ignored.`);
  return { settings, notices };
}

export function settingsToQuery(s: Settings): string {
  const q = new URLSearchParams();
  const changed = new Set<keyof Settings>(changedFromPreset(s));
  for (const { key, check } of RULES) {
    const v = s[key];
    // An invalid value being typed is not worth sharing; a reload would only report it.
    if (check(v) !== null) continue;
    const preset = (PRESET_FIELDS as readonly string[]).includes(key);
    if (CORE_KEYS.has(key) || (preset ? changed.has(key) : v !== DEFAULT_SETTINGS[key])) {
      if ((key === 'searchColumn' || key === 'reportColumn') && s.evaluator !== 'table') continue;
      q.set(key, v);
    }
  }
  return q.toString();
}

export function configFromSettings(s: Settings, table?: TableFile | null): RunConfig {
  const n = (v: string) => (v.trim() === '' ? NaN : Number(v));
  return withDefaults({
    method: s.method,
    dataset: s.dataset,
    evaluator: s.evaluator,
    budget: n(s.budget),
    seed: n(s.seed),
    speed: s.speed,
    supernet: { ...d.supernet, steps: n(s.supernetSteps) },
    standalone: { ...d.standalone, epochs: n(s.standaloneEpochs) },
    final: { ...d.final, epochs: n(s.finalEpochs) },
    table: { source: table?.source ?? 'custom', searchColumn: s.searchColumn, reportColumn: s.reportColumn },
    // Unparseable text is reported by the controls (startProblems) before any run can start.
    methodSettings: (() => {
      const r = parseMethodSettings(s.methodSettings);
      return r.ok && Object.keys(r.value).length > 0 ? { [s.method]: r.value } : {};
    })(),
    // A shipped table may cover only some ops; the search must stay inside them or lookups fail.
    ...(s.evaluator === 'table' && table?.ops ? { space: { ops: [...table.ops] } } : {}),
  });
}

export interface TableFile {
  name: string;
  text: string;
  table: BenchmarkTable;
  /** config.table.source: a shipped table's id; absent for an uploaded file ('custom'). */
  source?: string;
  /** The op subset a shipped table covers exhaustively (config.space.ops). */
  ops?: Nb201Op[];
}

interface SettingsStore {
  settings: Settings;
  notices: string[];
  table: TableFile | null;
  tableError: string | null;
  update(patch: Partial<Settings>): void;
  setTable(table: TableFile | null, error: string | null): void;
  dismissNotices(): void;
}

const initial = typeof location === 'undefined' ? { settings: DEFAULT_SETTINGS, notices: [] } : settingsFromQuery(location.search);

export const useSettings = create<SettingsStore>()((set, get) => ({
  settings: initial.settings,
  notices: initial.notices,
  table: null,
  tableError: null,
  update(patch) {
    set({ settings: { ...get().settings, ...patch } });
  },
  setTable(table, tableError) {
    set({ table, tableError });
  },
  dismissNotices() {
    set({ notices: [] });
  },
}));

/**
 * Rewrites the address bar's query in place (no history entry). Each owner changes only its own
 * keys: the settings theirs, the gallery `run`.
 */
export function replaceQuery(update: (q: URLSearchParams) => void): void {
  const q = new URLSearchParams(location.search);
  update(q);
  const query = q.toString();
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
}

/** Keeps the address bar in step with the settings, without adding history entries per keystroke. */
export function syncUrl(): () => void {
  const write = (s: Settings) =>
    replaceQuery((q) => {
      // Every key but the other owners' is the settings': a stray key is dropped (its notice says so).
      for (const key of [...q.keys()]) if (!OTHER_QUERY_KEYS.includes(key)) q.delete(key);
      for (const [k, v] of new URLSearchParams(settingsToQuery(s))) q.set(k, v);
    });
  write(useSettings.getState().settings);
  return useSettings.subscribe((st, prev) => {
    if (st.settings !== prev.settings) write(st.settings);
  });
}
