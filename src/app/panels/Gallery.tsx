import { useEffect, useState } from 'react';
import { create } from 'zustand';
import { parseArchitectureFile } from '../../engine/export';
import { formatDuration } from '../format';
import { methodOption } from '../methods';
import { replaceQuery } from '../settings';
import { fetchShippedIndex } from '../shippedIndex';
import { useRunStatus, useRunStore } from '../store';
import { replayLog } from '../workerClient';
import type { MethodId } from '../../engine/core/config';
import type { RunEvent } from '../../engine/core/events';

/**
 * Recorded runs shipped in public/runs (npm run runs:record): real runs of every method at a
 * scale a lecture cannot wait for, played back at once. A card opens one; `?run=<name>` opens it
 * from a link.
 */
export interface GalleryEntry {
  shows: string;
  command: string;
  recorded: string;
  seconds: number;
  method: MethodId;
  dataset: string;
  space: 'nb201' | 'blocks';
  evaluator: string;
  events: number;
  thinned?: Record<string, number>;
}

interface GalleryState {
  /** The recorded run on screen, or null once anything else is. */
  open: string | null;
  error: string | null;
  setOpen(name: string | null): void;
  setError(error: string | null): void;
}

export const useGallery = create<GalleryState>()((set) => ({
  open: null,
  error: null,
  setOpen: (open) => set({ open, error: null }),
  setError: (error) => set({ error }),
}));

// Anything new on screen (a live run, an imported replay, a reset) replaces the recorded run, so
// the link stops naming it; openRecordedRun names it again right after its own replay starts.
useRunStore.subscribe((s, prev) => {
  if (s.runId !== prev.runId) useGallery.getState().setOpen(null);
});

/** Keeps `?run=` in the address bar in step with the recorded run on screen (settings.ts keeps the rest). */
useGallery.subscribe((s, prev) => {
  if (s.open === prev.open || typeof location === 'undefined') return;
  replaceQuery((q) => (s.open ? q.set('run', s.open) : q.delete('run')));
});

const base = () => `${import.meta.env.BASE_URL}runs/`;
const NAME = /^[a-z0-9-]{1,60}$/;

/** The index (the card list and every opened run read it). */
export function loadGalleryIndex(): Promise<Record<string, GalleryEntry>> {
  return fetchShippedIndex(`${base()}index.json`, 'the gallery index');
}

/**
 * A recorded run's event log, fetched and checked as any import is checked; an error names what
 * is wrong. The gallery replays it; the Compare view adds it beside other runs.
 */
export async function fetchRecordedLog(name: string): Promise<{ ok: true; log: RunEvent[] } | { ok: false; error: string }> {
  if (!NAME.test(name)) return { ok: false, error: `"${name.slice(0, 60)}" is not the name of a recorded run` };
  // The index is the list of runs: a static server answers any path, often with the page itself.
  let index: Record<string, GalleryEntry>;
  try {
    index = await loadGalleryIndex();
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (!Object.hasOwn(index, name)) return { ok: false, error: `no recorded run named "${name}" (recorded runs: ${Object.keys(index).join(', ')})` };
  const res = await fetch(`${base()}${name}.json`);
  if (!res.ok) return { ok: false, error: `the recorded run "${name}" could not be fetched (HTTP ${res.status})` };
  const parsed = parseArchitectureFile(await res.text());
  if (!parsed.ok || !parsed.file.log?.length) return { ok: false, error: `the recorded run "${name}" could not be read: ${parsed.ok ? 'it carries no event log' : parsed.errors.join('; ')}` };
  return { ok: true, log: parsed.file.log };
}

/** Fetches a recorded run, checks it as any import is checked, and replays it. */
export async function openRecordedRun(name: string): Promise<void> {
  const g = useGallery.getState();
  const r = await fetchRecordedLog(name);
  if (!r.ok) {
    g.setError(r.error);
    return;
  }
  replayLog(r.log);
  g.setOpen(name);
}

export function Gallery() {
  const [index, setIndex] = useState<Record<string, GalleryEntry> | null>(null);
  const [indexError, setIndexError] = useState<string | null>(null);
  const open = useGallery((s) => s.open);
  const error = useGallery((s) => s.error);
  const status = useRunStatus();
  const busy = status === 'running' || status === 'paused';
  useEffect(() => {
    loadGalleryIndex().then(setIndex, (e: unknown) => setIndexError(e instanceof Error ? e.message : String(e)));
    const linked = new URLSearchParams(location.search).get('run');
    if (linked !== null) void openRecordedRun(linked);
  }, []);
  return (
    <section className="panel gallery" aria-labelledby="gallery-title" data-testid="gallery">
      <h2 id="gallery-title">Recorded runs</h2>
      <p className="hint">Real runs recorded by the engine, too long to wait for in class. Open one to see every view at once, then scrub or play it on the timeline.</p>
      {indexError && <p className="error">{indexError}</p>}
      {error && (
        <p className="error" role="alert" data-testid="gallery-error">
          {error}
        </p>
      )}
      <ul className="gallery-cards">
        {index &&
          Object.entries(index).map(([name, e]) => (
            <li key={name}>
              <button
                type="button"
                className={`gallery-card${open === name ? ' gallery-open' : ''}`}
                data-testid="gallery-card"
                data-run={name}
                aria-pressed={open === name}
                onClick={() => void openRecordedRun(name)}
                title={`${busy ? 'Stops the live run and opens' : 'Opens'} the recorded run; made with: ${e.command}`}
              >
                <strong>{methodOption(e.method).title}</strong>
                <span className="gallery-meta">
                  {e.dataset} · {e.space === 'blocks' ? 'block space' : `NB-201 cell, ${e.evaluator}`} · the real run took {formatDuration(e.seconds * 1000)}
                </span>
                <span className="gallery-shows">{e.shows}</span>
              </button>
            </li>
          ))}
      </ul>
    </section>
  );
}
