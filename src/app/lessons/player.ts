import { create } from 'zustand';
import { parseBenchmarkCsv } from '../../engine/evaluate/table';
import { clip, quote } from '../../engine/core/quote';
import { methodMilestones } from '../methodViews';
import { fetchBenchmarkCsv, fetchBenchmarkIndex } from '../panels/benchmark/benchmarkIndex';
import { openRecordedRun, useGallery } from '../panels/Gallery';
import { replaceQuery, settingsFromQuery, useSettings } from '../settings';
import { fetchShippedIndex } from '../shippedIndex';
import { useRunStore } from '../store';
import { timelineMarks } from '../timeline';
import { type Lesson, type LessonMoment, type LessonStep, parseLesson } from './schema';

/**
 * Plays a lesson: one step at a time, each setting the page up (a recorded run, or a live run's
 * settings), moving the timeline, asking its question, and pointing at panels while hiding the
 * controls it does not need. Everything goes through the page's own paths (the gallery's
 * openRecordedRun, the store's seek, the settings store), so a lesson shows what a learner would.
 */
export interface Answer {
  given: number | null;
  revealed: boolean;
}

interface LessonState {
  /** The shipped lesson's name (the link's ?lesson=), or null for an imported file. */
  name: string | null;
  lesson: Lesson | null;
  index: number;
  answers: Record<number, Answer>;
  /** Why the lesson or a step could not be done, shown in the player. */
  error: string | null;
  busy: boolean;
}

export const useLesson = create<LessonState>()(() => ({ name: null, lesson: null, index: 0, answers: {}, error: null, busy: false }));

const base = () => `${import.meta.env.BASE_URL}lessons/`;
const NAME = /^[a-z0-9-]{1,60}$/;

export interface LessonIndexEntry {
  title: string;
  audience: string;
  minutes: number;
}

export function loadLessonIndex(): Promise<Record<string, LessonIndexEntry>> {
  return fetchShippedIndex(`${base()}index.json`, 'the lesson index');
}

/** Opens a shipped lesson by name (public/lessons/<name>.json) at its first step. */
export async function openLesson(name: string): Promise<void> {
  const fail = (error: string) => useLesson.setState({ error, busy: false });
  if (!NAME.test(name)) return fail(`${quote(name)} is not the name of a lesson`);
  let index: Record<string, LessonIndexEntry>;
  try {
    index = await loadLessonIndex();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (!Object.hasOwn(index, name)) return fail(`no lesson named ${quote(name)} (lessons: ${Object.keys(index).join(', ')})`);
  const res = await fetch(`${base()}${name}.json`);
  if (!res.ok) return fail(`the lesson ${quote(name)} could not be fetched (HTTP ${res.status})`);
  start(parseLesson(await res.text(), `${name}.json`), name);
}

/** Opens a lesson file the teacher chose; a bad one gets a message and changes nothing. */
export async function openLessonFile(file: File): Promise<void> {
  start(parseLesson(await file.text(), file.name), null);
}

function start(parsed: ReturnType<typeof parseLesson>, name: string | null): void {
  if (!parsed.ok) {
    useLesson.setState({ error: `This lesson cannot be played: ${parsed.errors.join('; ')}` });
    return;
  }
  useLesson.setState({ name, lesson: parsed.lesson, index: 0, answers: {}, error: null });
  replaceQuery((q) => (name ? q.set('lesson', name) : q.delete('lesson')));
  void goToStep(0);
}

export function closeLesson(): void {
  useLesson.setState({ name: null, lesson: null, index: 0, answers: {}, error: null, busy: false });
  replaceQuery((q) => q.delete('lesson'));
  applyMarks(undefined);
}

export function answer(index: number, given: number | null, revealed: boolean): void {
  useLesson.setState((s) => ({ answers: { ...s.answers, [index]: { given, revealed } } }));
}

/** Shows step `i`: its marks at once, then its setup and action (which may wait for a run to load). */
export async function goToStep(i: number): Promise<void> {
  const { lesson } = useLesson.getState();
  if (!lesson || i < 0 || i >= lesson.steps.length) return;
  const step = lesson.steps[i];
  useLesson.setState({ index: i, error: null, busy: true });
  applyMarks(step);
  try {
    await applySetup(step);
    if (useLesson.getState().index !== i) return; // the teacher moved on meanwhile
    await applyAction(step);
    showHighlightedTab(step);
    useLesson.setState({ busy: false });
  } catch (err) {
    if (useLesson.getState().index === i) useLesson.setState({ busy: false, error: `Step ${i + 1}: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** What the step highlights and hides, as lists on the root element that lessons.css reads. */
function applyMarks(step: LessonStep | undefined): void {
  const root = document.documentElement;
  const set = (key: 'lessonHighlight' | 'lessonHide', v: readonly string[] | undefined) => {
    if (v && v.length > 0) root.dataset[key] = v.join(' ');
    else delete root.dataset[key];
  };
  set('lessonHighlight', step?.highlight);
  set('lessonHide', step?.hide);
}

/** Panels that sit behind the stage's tabs: a step pointing at one brings its tab to the front. */
const TABBED: Partial<Record<string, string>> = { candidates: 'tab-candidates', training: 'tab-training', leaderboard: 'tab-leaderboard', result: 'tab-result' };

function showHighlightedTab(step: LessonStep): void {
  for (const panel of step.highlight ?? []) {
    const tab = TABBED[panel] && document.querySelector<HTMLButtonElement>(`[data-testid="${TABBED[panel]}"]`);
    if (tab) {
      tab.click(); // the tabs' own path, as a click of the teacher's would
      return;
    }
  }
}

async function applySetup(step: LessonStep): Promise<void> {
  const setup = step.setup;
  if (!setup) return;
  if ('run' in setup) {
    // Steps of one run keep it: no reload between them.
    if (useGallery.getState().open !== setup.run || useRunStore.getState().live !== 'idle') {
      await openRecordedRun(setup.run);
      const error = useGallery.getState().error;
      if (error) throw new Error(error);
    }
    await replayLoaded();
    return;
  }
  const { settings, notices } = settingsFromQuery(setup.link);
  if (notices.length > 0) throw new Error(`the step's link is not one this page reads: ${clip(notices.join(' '), 200)}`);
  // The backend stays the one this browser runs on: a new one would restart the worker.
  const linked = new URLSearchParams(setup.link);
  const keep = useSettings.getState().settings;
  useSettings.getState().update({ ...settings, backend: keep.backend });
  if (setup.table) {
    const index = await fetchBenchmarkIndex(import.meta.env.BASE_URL);
    const entry = index.tables.find((t) => t.id === setup.table);
    if (!entry) throw new Error(`no shipped table ${quote(setup.table)} (tables: ${index.tables.map((t) => t.id).join(', ')})`);
    const { name, text } = await fetchBenchmarkCsv(import.meta.env.BASE_URL, entry);
    useSettings.getState().setTable({ name, text, table: parseBenchmarkCsv(text, name), source: entry.id, ops: entry.ops }, null);
    // As picking the table in the page does: its default columns, unless the link names others.
    useSettings.getState().update({
      searchColumn: linked.get('searchColumn') ?? entry.defaultSearchColumn,
      reportColumn: linked.get('reportColumn') ?? entry.defaultReportColumn,
    });
  }
}

/** Resolves once the replayed run on screen is whole (a replay loads in slices). */
function replayLoaded(): Promise<void> {
  const done = () => {
    const s = useRunStore.getState();
    return s.replay && s.live === 'idle';
  };
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = useRunStore.subscribe(() => {
      if (!done()) return;
      unsubscribe();
      resolve();
    });
  });
}

/** The timeline position (events shown) a moment names in the run on screen; null is the end. */
export function momentCount(m: LessonMoment): number | null {
  const log = useRunStore.getState().source.log;
  if (m === 'start') return 0;
  if (m === 'end') return null;
  if ('event' in m) {
    if (m.event > log.length) throw new Error(`the run has ${log.length} events, the step asks for event ${m.event}`);
    return m.event;
  }
  if ('candidates' in m) {
    let seen = 0;
    for (let i = 0; i < log.length; i++) {
      if (log[i].type === 'candidate' && ++seen === m.candidates) return i + 1;
    }
    if (m.candidates === 0) return 0;
    throw new Error(`the run has ${seen} candidates, the step asks for ${m.candidates}`);
  }
  const mark = timelineMarks(log, methodMilestones()).find((k) => k.label.startsWith(m.mark));
  if (!mark) throw new Error(`the run has no timeline mark starting ${quote(m.mark)}`);
  return mark.at;
}

async function applyAction(step: LessonStep): Promise<void> {
  const action = step.action;
  if (!action || 'live' in action) return; // a live run starts from the player's Start, by the teacher
  const store = useRunStore.getState();
  if ('seek' in action) {
    store.seek(momentCount(action.seek));
    return;
  }
  // Play: the timeline moves from where it stands to the moment over the step's seconds; with
  // reduced motion asked for, it goes there at once.
  const to = momentCount(action.play.to) ?? store.source.log.length;
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) {
    store.seek(to);
    return;
  }
  const from = store.cursor ?? store.source.log.length;
  const startAt = from > to ? 0 : from;
  const ms = action.play.seconds * 1000;
  const index = useLesson.getState().index;
  await new Promise<void>((resolve) => {
    const t0 = performance.now();
    const tick = (now: number) => {
      if (useLesson.getState().index !== index) return resolve();
      const f = Math.min(1, (now - t0) / ms);
      useRunStore.getState().seek(Math.round(startAt + (to - startAt) * f));
      if (f < 1) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
}

/** Presses the page's own Start button: a live step runs exactly as the learner's would. */
export function startLiveStep(): void {
  document.querySelector<HTMLButtonElement>('[data-testid="start-button"]')?.click();
}
