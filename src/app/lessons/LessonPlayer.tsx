import { useEffect, useState } from 'react';
import { fileTooLarge } from '../../engine/core/limits';
import { useGallery } from '../panels/Gallery';
import { useRunStore } from '../store';
import { Markdown } from './Markdown';
import { answer, closeLesson, goToStep, type LessonIndexEntry, loadLessonIndex, openLesson, openLessonFile, startLiveStep, useLesson } from './player';
import type { LessonStep } from './schema';
import './lessons.css';

/**
 * Lessons: the list of shipped ones and a file input, and while one plays, its step with the
 * question, previous / next and progress. ← / → move between steps when the player has focus.
 */
export function LessonPlayer() {
  const { lesson, index, error, busy, answers } = useLesson();
  const [list, setList] = useState<Record<string, LessonIndexEntry> | null>(null);
  useEffect(() => {
    loadLessonIndex().then(setList, () => setList({}));
    const linked = new URLSearchParams(location.search).get('lesson');
    if (linked !== null) void openLesson(linked);
  }, []);

  if (!lesson) {
    return (
      <section className="panel lessons" aria-labelledby="lessons-title" data-testid="lessons">
        <h2 id="lessons-title">Lessons</h2>
        <p className="hint">Step-by-step lessons for a class, on the recorded runs: each step sets the page up, moves the timeline and asks a question.</p>
        {error && (
          <p className="error" role="alert" data-testid="lesson-error">
            {error}
          </p>
        )}
        <ul className="lesson-list">
          {list &&
            Object.entries(list).map(([name, l]) => (
              <li key={name}>
                <button type="button" className="link" data-testid="lesson-open" data-lesson={name} onClick={() => void openLesson(name)}>
                  {l.title}
                </button>{' '}
                <span className="muted">
                  ({l.minutes} min; {l.audience})
                </span>
              </li>
            ))}
        </ul>
        <label className="field">
          <span className="field-label">Or a lesson file (docs/lessons.md says how to write one)</span>
          <input
            type="file"
            accept=".json,application/json"
            data-testid="lesson-file-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const tooLarge = fileTooLarge(file.name, file.size, 'lesson');
              if (tooLarge) useLesson.setState({ error: `This lesson cannot be played: ${tooLarge}` });
              else void openLessonFile(file);
            }}
          />
        </label>
        <CopyMoment />
      </section>
    );
  }

  const step = lesson.steps[index];
  const last = lesson.steps.length - 1;
  return (
    <section
      className="panel lesson"
      aria-labelledby="lesson-title"
      data-testid="lesson-player"
      data-step={index}
      aria-busy={busy}
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
        if (e.key === 'ArrowRight' && index < last) void goToStep(index + 1);
        else if (e.key === 'ArrowLeft' && index > 0) void goToStep(index - 1);
        else return;
        e.preventDefault();
      }}
    >
      <p className="lesson-progress" data-testid="lesson-progress">
        {lesson.title} · step {index + 1} of {lesson.steps.length}
      </p>
      <h2 id="lesson-title">{step.title}</h2>
      <div className="lesson-text" data-testid="lesson-text">
        <Markdown text={step.text} />
      </div>
      {step.action && 'live' in step.action && (
        <button type="button" data-testid="lesson-start" onClick={startLiveStep}>
          Start this run
        </button>
      )}
      {step.question && <Question key={index} index={index} step={step} given={answers[index]} />}
      {error && (
        <p className="error" role="alert" data-testid="lesson-error">
          {error}
        </p>
      )}
      <div className="lesson-nav">
        <button type="button" data-testid="lesson-prev" disabled={index === 0} onClick={() => void goToStep(index - 1)}>
          ← Previous
        </button>
        <button type="button" data-testid="lesson-next" disabled={index === last} onClick={() => void goToStep(index + 1)}>
          Next →
        </button>
        <button type="button" className="link" data-testid="lesson-close" onClick={closeLesson}>
          close the lesson
        </button>
      </div>
    </section>
  );
}

function Question({ index, step, given }: { index: number; step: LessonStep; given: { given: number | null; revealed: boolean } | undefined }) {
  const q = step.question!;
  const [value, setValue] = useState<string>(given?.given === null || given === undefined ? '' : String(given.given));
  const revealed = given?.revealed ?? false;
  const chosen = given?.given ?? null;
  const right = q.kind === 'choice' ? chosen === q.answer : chosen !== null && Math.abs(chosen - q.answer) <= q.tolerance;
  return (
    <fieldset className="lesson-question" data-testid="lesson-question">
      <legend>
        <strong>Question.</strong> {q.prompt}
      </legend>
      {q.kind === 'choice' ? (
        q.options.map((o, k) => (
          <label key={k}>
            <input type="radio" name={`lesson-q-${index}`} data-testid="lesson-option" checked={chosen === k} disabled={revealed} onChange={() => answer(index, k, false)} /> {o}
          </label>
        ))
      ) : (
        <label>
          Your guess{q.unit ? ` (${q.unit})` : ''}:{' '}
          <input
            type="number"
            step="any"
            data-testid="lesson-number"
            value={value}
            disabled={revealed}
            onChange={(e) => {
              setValue(e.target.value);
              const v = Number(e.target.value);
              answer(index, e.target.value === '' || !Number.isFinite(v) ? null : v, false);
            }}
          />
        </label>
      )}
      {!revealed ? (
        <button type="button" data-testid="lesson-reveal" onClick={() => answer(index, chosen, true)}>
          Reveal the answer
        </button>
      ) : (
        <div className="lesson-reveal" data-testid="lesson-answer" role="status">
          {chosen !== null && <p className={right ? 'lesson-right' : 'lesson-wrong'}>{right ? 'Right.' : 'Not quite.'}</p>}
          <p>
            Answer: <strong>{q.kind === 'choice' ? q.options[q.answer] : `${q.answer}${q.unit ? ` ${q.unit}` : ''}`}</strong>
            {q.kind === 'number' && q.tolerance > 0 ? ` (within ${q.tolerance} counts as right)` : ''}.
          </p>
          <Markdown text={q.explain} />
        </div>
      )}
    </fieldset>
  );
}

/** The authoring aid: the moment on screen as a lesson step's JSON, on the clipboard. */
function CopyMoment() {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    const s = useRunStore.getState();
    const run = useGallery.getState().open;
    const q = new URLSearchParams(location.search);
    q.delete('lesson');
    q.delete('run');
    const step = {
      title: 'A title for this step',
      text: 'What the class should look at, in a sentence or two.',
      setup: run ? { run } : { link: `?${q.toString()}` },
      action: { seek: s.cursor === null ? 'end' : { event: s.cursor } },
      highlight: ['candidates'],
    };
    const json = JSON.stringify(step, null, 2);
    try {
      await navigator.clipboard.writeText(json);
      setCopied('Copied. Paste it into a lesson’s "steps" list.');
    } catch {
      setCopied(json); // no clipboard (an insecure page, a refused permission): shown to copy by hand
    }
  };
  return (
    <div className="lesson-copy">
      <button type="button" className="link" data-testid="lesson-copy-moment" onClick={() => void copy()}>
        Copy this moment as a lesson step
      </button>
      {copied && (
        <pre className="method-defaults" data-testid="lesson-copied">
          {copied}
        </pre>
      )}
    </div>
  );
}
