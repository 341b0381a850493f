import { issueMessages, z } from '../../engine/core/schema';
import { clip, quote } from '../../engine/core/quote';
import { fileTooLarge } from '../../engine/core/limits';

/**
 * A lesson: a small file a teacher writes (docs/lessons.md) and the page plays step by step. The
 * schema is the one definition of the format: the page validates every lesson with it, and
 * public/lessons/lesson.schema.json is generated from it (`npm run schemas`; a test fails when the
 * shipped copy is stale). Text is a Markdown subset rendered as React elements, never as HTML.
 */

export const LESSON_SCHEMA_ID = 'nas-playground/lesson';
export const LESSON_VERSION = 1;

/** Panels a step can point at, by what the page calls them (and the element that shows each). */
export const LESSON_PANELS = ['training', 'candidates', 'leaderboard', 'method', 'regret', 'timeline', 'result', 'gallery'] as const;

/** Controls a step can hide, so a class looks at what matters (lessons.css says which elements each is). */
export const LESSON_CONTROLS = ['method', 'dataset', 'start', 'gallery', 'export'] as const;

const text = (max: number, what: string) => z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} is at most ${max} characters`);
const name = z.string().regex(/^[a-z0-9-]{1,60}$/, 'a name of lower-case letters, digits and "-"');

/** Where the timeline goes: its start or end, after event k, after n candidates, or at a timeline mark. */
const moment = z.union([
  z.enum(['start', 'end']),
  z.strictObject({ event: z.int().min(0).max(10_000_000) }),
  z.strictObject({ candidates: z.int().min(0).max(10_000_000) }),
  z.strictObject({ mark: text(120, 'a mark').describe('the start of a timeline mark’s label, e.g. "NAO round 2"') }),
]);

const setup = z.union([
  z.strictObject({ run: name.describe('a recorded run of the gallery (public/runs)') }),
  z.strictObject({
    link: z
      .string()
      .max(2000)
      .regex(/^\?[^\s]*$/, 'a query string starting with "?", as the page’s address bar shows it')
      .describe('the settings of a live run, as the page’s link carries them'),
    table: name.optional().describe('a shipped benchmark table (public/benchmarks) to search on'),
  }),
]);

const action = z.union([
  z.strictObject({ seek: moment }),
  z.strictObject({ play: z.strictObject({ to: moment, seconds: z.number().min(0.5).max(60).default(4) }) }),
  z.strictObject({ live: z.literal(true).describe('start the run the setup describes (the Start button)') }),
]);

const question = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('choice'),
    prompt: text(500, 'a question'),
    options: z.array(text(200, 'an option')).min(2).max(6),
    answer: z.int().min(0),
    explain: text(2000, 'an explanation'),
  }),
  z.strictObject({
    kind: z.literal('number'),
    prompt: text(500, 'a question'),
    answer: z.number(),
    tolerance: z.number().min(0),
    unit: z.string().max(20).optional(),
    explain: text(2000, 'an explanation'),
  }),
]);

const step = z.strictObject({
  title: text(120, 'a step title'),
  text: text(4000, 'a step’s text'),
  setup: setup.optional(),
  action: action.optional(),
  question: question.optional(),
  highlight: z.array(z.enum(LESSON_PANELS)).max(4).optional(),
  hide: z.array(z.enum(LESSON_CONTROLS)).max(5).optional(),
});

export const lessonSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schema: z.literal(LESSON_SCHEMA_ID),
    version: z.literal(LESSON_VERSION),
    title: text(120, 'the title'),
    audience: text(300, 'the audience'),
    minutes: z.int().min(1).max(240).describe('how long the lesson takes in class'),
    steps: z.array(step).min(1).max(60),
  })
  .superRefine((l, ctx) => {
    l.steps.forEach((s, i) => {
      if (s.question?.kind === 'choice' && s.question.answer >= s.question.options.length) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'question', 'answer'], message: `is option ${s.question.answer}, but there are ${s.question.options.length} options (counted from 0)` });
      }
      if (s.action && 'live' in s.action && !(s.setup && 'link' in s.setup)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'action'], message: 'a live run needs a setup with the link of its settings' });
      }
    });
  });

export type Lesson = z.output<typeof lessonSchema>;
export type LessonStep = Lesson['steps'][number];
export type LessonMoment = z.output<typeof moment>;

export type LessonResult = { ok: true; lesson: Lesson } | { ok: false; errors: string[] };

/** Validates a parsed lesson; every message names the field, quoting at most a few words of the input. */
export function checkLesson(json: unknown): LessonResult {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    // Identity first: a file of another kind or version gets one sentence, not a list of field errors.
    if (o.schema !== LESSON_SCHEMA_ID) return { ok: false, errors: [`not a NAS Playground lesson: "schema" is ${typeof o.schema === 'string' ? quote(o.schema) : String(o.schema)}, expected "${LESSON_SCHEMA_ID}"`] };
    if (o.version !== LESSON_VERSION) return { ok: false, errors: [`unsupported lesson version ${clip(String(o.version))}: this app reads version ${LESSON_VERSION}`] };
  }
  const r = lessonSchema.safeParse(json);
  if (r.success) return { ok: true, lesson: r.data };
  return { ok: false, errors: issueMessages(r.error.issues, { max: 12 }).map((m) => clip(m, 240)) };
}

/** Parses and validates a lesson file's text; never throws. */
export function parseLesson(text: string, fileName = 'the lesson'): LessonResult {
  const tooLarge = fileTooLarge(fileName, text.length, 'lesson');
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${clip(err instanceof Error ? err.message : String(err), 120)}`] };
  }
  return checkLesson(json);
}

/** The JSON Schema of the lesson file, for editors and other tools (public/lessons/lesson.schema.json). */
export function lessonJsonSchema(): unknown {
  return { ...z.toJSONSchema(lessonSchema, { io: 'input' }), title: 'NAS Playground lesson' };
}
