import { useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration, formatInt } from '../format';
import { methodMilestones } from '../methodViews';
import { useRunStore, useTimeline } from '../store';
import { countAtTime, nextInterest, timelineMarks } from '../timeline';

const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
const speedLabel = (v: number) => (v === 0.25 ? '¼×' : v === 0.5 ? '½×' : `${v}×`);

/**
 * A scrubber for any run, recorded, imported or live: the views show the run as it stood after the
 * events up to the thumb. Play moves the thumb at the run's own pace times the chosen speed;
 * "next" jumps to the next candidate or milestone of the method; the marks show phases.
 */
export function Timeline() {
  const { length, cursor, runId } = useTimeline();
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(4);
  const log = useRunStore.getState().source.log;
  const shown = cursor ?? length;
  // Recomputed as a live run grows; a pass over the log is cheap next to a chart redraw.
  const marks = useMemo(() => timelineMarks(log, methodMilestones()), [log, length]);
  const tAt = (n: number) => (n > 0 ? log[Math.min(n, log.length) - 1].t : 0);
  const tEnd = tAt(length);

  // Playback: the thumb follows the run's clock (event times) at `speed`, from where it stands.
  const play = useRef<{ wall: number; t: number } | null>(null);
  useEffect(() => {
    if (!playing) return;
    const store = useRunStore.getState();
    const start = store.cursor ?? store.source.log.length;
    const from = start >= store.source.log.length ? 0 : start; // at the end, play from the start
    play.current = { wall: performance.now(), t: tAt(from) };
    store.seek(from);
    let raf = 0;
    const tick = (now: number) => {
      const s = useRunStore.getState();
      const target = play.current!.t + (now - play.current!.wall) * speed;
      const k = countAtTime(s.source.log, target);
      if (k >= s.source.log.length) {
        s.seek(null);
        setPlaying(false);
        return;
      }
      s.seek(k);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
    // speed changes restart the clock from the thumb; runId: a new run stops playback below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing, speed]);
  useEffect(() => setPlaying(false), [runId]);

  if (length === 0) return null;
  const seek = (n: number) => {
    setPlaying(false);
    useRunStore.getState().seek(n);
  };
  const next = nextInterest(log, shown, methodMilestones());

  return (
    <section className="timeline" data-testid="timeline" data-count={shown} data-length={length} aria-label="Timeline of the run">
      <button type="button" className="timeline-play" data-testid="timeline-play" onClick={() => setPlaying(!playing)} aria-label={playing ? 'Pause playback' : 'Play the run from here'} title={playing ? 'Pause playback' : 'Play the run from here'}>
        {playing ? '❚❚' : '▶'}
      </button>
      <div className="timeline-track">
        <div className="timeline-marks" aria-hidden>
          {marks.map((m) => (
            <span key={`${m.kind}${m.at}`} className={`timeline-mark mark-${m.kind}`} style={{ left: `${(100 * m.at) / length}%` }} title={`${m.label} (${formatDuration(m.t)})`} data-testid={`timeline-mark-${m.kind}`} />
          ))}
        </div>
        <input
          type="range"
          data-testid="timeline-range"
          min={0}
          max={length}
          step={1}
          value={shown}
          onChange={(e) => seek(Number(e.target.value))}
          aria-label="Moment of the run shown"
          aria-valuetext={`${formatInt(shown)} of ${formatInt(length)} events, ${formatDuration(tAt(shown))}`}
        />
      </div>
      <span className="timeline-time" data-testid="timeline-time">
        {formatDuration(tAt(shown))} / {formatDuration(tEnd)}
      </span>
      <label className="timeline-speed">
        <span className="visually-hidden">Playback speed</span>
        <select data-testid="timeline-speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {speedLabel(v)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" data-testid="timeline-next" disabled={next === null} onClick={() => next !== null && seek(next)} title="Jump to the next candidate or milestone">
        next ▸
      </button>
      <button type="button" data-testid="timeline-end" disabled={cursor === null} onClick={() => seek(length)} title="Show the whole run (and follow it while it runs)">
        {cursor === null ? 'following' : 'to the end'}
      </button>
    </section>
  );
}
