import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { Markdown } from '../src/app/lessons/Markdown';
import { checkLesson, type Lesson, type LessonMoment, parseLesson } from '../src/app/lessons/schema';
import { methodMilestones } from '../src/app/methodViews';
import { settingsFromQuery } from '../src/app/settings';
import { timelineMarks } from '../src/app/timeline';
import type { RunEvent } from '../src/engine/core/events';
import { GENERATED_SCHEMAS, schemaText } from '../scripts/gen-schemas';

/**
 * Lessons (issue #15): the format is one zod schema; the shipped JSON Schema is generated from it;
 * every shipped lesson validates and points only at runs, marks, tables and settings that exist;
 * a malformed lesson gets messages that name the field; text is never HTML.
 */
const ROOT = path.resolve(__dirname, '..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');
const index = JSON.parse(read('public/lessons/index.json')) as Record<string, { title: string; minutes: number }>;
const runs = JSON.parse(read('public/runs/index.json')) as Record<string, unknown>;
const tables = (JSON.parse(read('public/benchmarks/index.json')) as { tables: { id: string }[] }).tables.map((t) => t.id);
const lesson = (name: string): Lesson => {
  const r = parseLesson(read(`public/lessons/${name}.json`), `${name}.json`);
  if (!r.ok) throw new Error(`${name}: ${r.errors.join('; ')}`);
  return r.lesson;
};
const logOf = (run: string) => (JSON.parse(read(`public/runs/${run}.json`)) as { log: RunEvent[] }).log;

/** Where a moment lands in a log, as the player resolves it (player.ts momentCount). */
function resolves(log: RunEvent[], m: LessonMoment): boolean {
  if (m === 'start' || m === 'end') return true;
  if ('event' in m) return m.event <= log.length;
  if ('candidates' in m) return log.filter((e) => e.type === 'candidate').length >= m.candidates;
  return timelineMarks(log, methodMilestones()).some((k) => k.label.startsWith(m.mark));
}

describe('lessons', () => {
  it('the shipped JSON Schema is the one generated from the zod schema (npm run schemas)', () => {
    for (const { file, schema } of GENERATED_SCHEMAS) expect(read(file), `${file} is stale: run npm run schemas`).toBe(schemaText(schema()));
  });

  it('ships at least five lessons, each valid, with its index entry, and the generated schema accepts them too', () => {
    const names = Object.keys(index);
    expect(names.length).toBeGreaterThanOrEqual(5);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(read('public/lessons/lesson.schema.json')));
    for (const name of names) {
      const l = lesson(name);
      expect(index[name].title, name).toBe(l.title);
      expect(index[name].minutes, name).toBe(l.minutes);
      expect(validate(JSON.parse(read(`public/lessons/${name}.json`))), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('every step points at a recorded run, a timeline moment of that run, a shipped table and settings the page reads', () => {
    for (const name of Object.keys(index)) {
      let run: string | null = null;
      lesson(name).steps.forEach((s, i) => {
        const at = `${name} step ${i + 1}`;
        if (s.setup && 'run' in s.setup) {
          expect(Object.keys(runs), at).toContain(s.setup.run);
          run = s.setup.run;
        } else if (s.setup) {
          run = null;
          expect(settingsFromQuery(s.setup.link).notices, at).toEqual([]);
          if (s.setup.table) expect(tables, at).toContain(s.setup.table);
        }
        const moment = s.action && ('seek' in s.action ? s.action.seek : 'play' in s.action ? s.action.play.to : null);
        if (moment) {
          expect(run, `${at}: a timeline action needs a recorded run`).not.toBeNull();
          expect(resolves(logOf(run!), moment), `${at}: ${JSON.stringify(moment)}`).toBe(true);
        }
      });
    }
  });

  it('a malformed lesson is refused with messages naming the field', () => {
    const good = JSON.parse(read('public/lessons/random-baseline.json')) as Record<string, unknown> & { steps: Record<string, unknown>[] };
    const bad = (patch: (l: typeof good) => void) => {
      const l = structuredClone(good);
      patch(l);
      const r = checkLesson(l);
      return r.ok ? [] : r.errors;
    };
    expect(bad(() => undefined)).toEqual([]);
    expect(bad((l) => (l.schema = 'something-else'))[0]).toMatch(/not a NAS Playground lesson/);
    expect(bad((l) => (l.version = 7))[0]).toMatch(/unsupported lesson version 7/);
    expect(bad((l) => (l.steps[1].question = { kind: 'choice', prompt: 'q', options: ['a', 'b'], answer: 2, explain: 'e' })).join()).toMatch(/steps\[1\]\.question\.answer: is option 2, but there are 2 options/);
    expect(bad((l) => (l.steps[0].highlight = ['nowhere'])).join()).toMatch(/steps\[0\]\.highlight\[0\]/);
    expect(bad((l) => (l.steps[0].onload = 'alert(1)')).join()).toMatch(/steps\[0\].*onload/);
    expect(bad((l) => (l.steps[4].setup = { run: 'random-nb201' })).join()).toMatch(/steps\[4\]\.action: a live run needs a setup with the link/);
    expect(parseLesson('{"schema": ', 'x.json')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^not valid JSON/)] });
    expect(parseLesson('x'.repeat(2 ** 20 + 1), 'big.json')).toMatchObject({ ok: false, errors: [expect.stringMatching(/big\.json is 1\.0 MB; a lesson file may be at most 1\.0 MB/)] });
  });

  it('text is rendered as elements, never as HTML', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { text: 'A **bold** and *soft* `code` line\n\n- one\n- two\n\n<img src=x onerror=alert(1)><script>alert(1)</script>' }));
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>soft</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
  });
});
