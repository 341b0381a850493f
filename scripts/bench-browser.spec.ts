import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { expect, test, type Page } from '@playwright/test';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';
import { measureResponsiveness } from './lib/responsiveness';
import { mdTable, THROUGHPUT_HEADER, updateDoc } from './lib/benchDoc';

/**
 * npm run bench:browser — supernet training throughput in Chromium on each backend the page can
 * start (webgpu, webgl, cpu: the worker's own `bench` command, the same code path as a run), and
 * main-thread responsiveness during a search. Prints the figures and rewrites the e2e blocks of
 * docs/benchmarks.md. A backend that cannot start is reported with the reason, not skipped silently.
 */
const DOC = 'docs/benchmarks.md';
const BATCH = 64;
/** Software rendering (SwiftShader) is slow: fewer steps there, still after warm-up. */
const PLAN: { backend: 'cpu' | 'webgl' | 'webgpu'; warmup: number; steps: number }[] = [
  { backend: 'cpu', warmup: 5, steps: 20 },
  { backend: 'webgl', warmup: 3, steps: 10 },
  { backend: 'webgpu', warmup: 2, steps: 4 },
];
const machine = () => `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${os.cpus().length} logical cores, load average ${os.loadavg()[0].toFixed(1)} at the start`;
const blocks: Record<string, string> = {};

interface Bench {
  backend: string;
  msPerStep: number;
  stepsPerSec: number;
  steps: number;
  warmup: number;
  tensorsBefore: number;
  tensorsAfter: number;
  shaderCompiles: number | null;
  readBacks: number;
  readBacksScheduled: number;
  readEvery: number;
}

/** THROUGHPUT_HEADER with the GPU path's counts (issue #16) before the machine. */
const BROWSER_HEADER = [...THROUGHPUT_HEADER.slice(0, -1), 'shader compiles after warm-up', 'read-backs / step', THROUGHPUT_HEADER[THROUGHPUT_HEADER.length - 1]];

async function startOn(page: Page, backend: string): Promise<{ name: string | null; why: string }> {
  await page.goto(`/?backend=${backend}&dataset=digits`);
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveText(/backend: |no backend could start/, { timeout: 180_000 });
  const text = (await badge.textContent()) ?? '';
  const name = /backend: (\w+)/.exec(text)?.[1] ?? null;
  return { name, why: (await badge.getAttribute('title')) ?? text };
}

test('supernet throughput per backend, and responsiveness while a search runs', async ({ page, browser }) => {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const version = browser.version();
  let readEvery = 10; // the bench reports it (SUPERNET_READ_EVERY)
  for (const p of PLAN) {
    const started = await startOn(page, p.backend);
    if (started.name !== p.backend) {
      const note = `${p.backend}: not reachable in this Chromium (${started.name ? `the page fell back to ${started.name}` : 'no backend started'}; ${started.why})`;
      notes.push(note);
      console.log(note);
      continue;
    }
    const t0 = Date.now();
    let r: Bench;
    try {
      r = await page.evaluate(
        (o) => (window as unknown as { nasPlayground: { bench(o: unknown): Promise<Bench> } }).nasPlayground.bench(o),
        { dataset: 'digits' as const, steps: p.steps, warmup: p.warmup, batchSize: BATCH },
      );
    } catch (err) {
      // Reported, not skipped silently (SwiftShader's WebGPU without --enable-features=Vulkan once
      // failed a 91,904-byte upload here: "too large for the implementation").
      const note = `${p.backend}: the bench failed (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`;
      notes.push(note);
      console.log(note);
      continue;
    }
    const leak = r.tensorsAfter === r.tensorsBefore ? '' : ` (tensors ${r.tensorsBefore} → ${r.tensorsAfter})`;
    readEvery = r.readEvery;
    const compiles = r.shaderCompiles ?? 'n/a (no shaders)';
    const reads = `${(r.readBacks / r.steps).toFixed(2)} (${r.readBacks} in ${r.steps} steps; scheduled ${r.readBacksScheduled})`;
    rows.push([`Chromium ${version} (worker)`, r.backend, `supernet (default macro), digits 8×8 · ${BATCH}`, r.stepsPerSec.toFixed(2), r.msPerStep.toFixed(0), ((r.stepsPerSec * BATCH) | 0).toString(), compiles, reads, `${machine()}${leak}; ${r.steps} steps after ${r.warmup} warm-up`]);
    console.log(`${p.backend}: ${r.msPerStep.toFixed(0)} ms/step over ${r.steps} steps (${((Date.now() - t0) / 1000).toFixed(0)} s with warm-up); shader compiles after warm-up ${compiles}, read-backs ${r.readBacks} (scheduled ${r.readBacksScheduled})`);
  }
  expect(rows.length).toBeGreaterThan(0);
  const rendering = 'WebGL and WebGPU in this headless Chromium run on SwiftShader (software), so they measure the code path, not a GPU.';
  blocks['throughput-browser'] = `\`npm run bench:browser\` on ${new Date().toISOString().slice(0, 10)}: the worker's \`bench\` command (measureSupernetThroughput: SupernetEvaluator.train, one uniformly sampled path per step) on each backend, after a warm-up that trains one path per op (every edge that op) and then random ones. ${rendering} *Shader compiles after warm-up*: programs the backend compiled during the timed steps (WebGL's program cache, WebGPU's pipeline cache). *Read-backs*: the backend's read / readSync / readToGPU calls during the timed steps, against the schedule (the loss every ${readEvery} steps as in a run, the first step's at once, and the final sync): a count not above it means that no step read anything back inside itself.\n\n${mdTable(BROWSER_HEADER, rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'])}${notes.length ? `\n\n${notes.map((n) => `> ${n}`).join('\n')}` : ''}`;

  const resp = await measureResponsiveness(page);
  console.log(`responsiveness: ${JSON.stringify(resp)}`);
  const f = (v: number) => v.toFixed(1);
  blocks.responsiveness = `\`npm run bench:browser\` on ${resp.date.slice(0, 10)} (${machine()}): ${resp.run}. Long tasks are main-thread tasks over 50 ms (PerformanceObserver 'longtask'); frame times are the gaps between requestAnimationFrame callbacks.\n\n${mdTable(
    ['frames', 'long tasks', 'longest task (ms)', 'frame p50 (ms)', 'p95', 'p99', 'max'],
    [[resp.frames, resp.longTasks, f(resp.longestTaskMs), f(resp.frameMs.p50), f(resp.frameMs.p95), f(resp.frameMs.p99), f(resp.frameMs.max)]],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
  )}`;
  writeFileSync(DOC, updateDoc(existsSync(DOC) ? readFileSync(DOC, 'utf8') : null, blocks, 'e2e'));
});

/**
 * Timeline scrubbing: frame times while the timeline moves once a frame (see scrub), over a
 * recorded run. Measured on the gallery's
 * largest run (BENCH_SCRUB_RUN names another) and, where ../shared holds the NAS-Bench-201 table,
 * on a run of over 10,000 events recorded here by the CLI (regularised evolution, 3,000 queries)
 * and opened through the import.
 */
test('timeline scrub frame time on recorded runs', async ({ page }) => {
  test.setTimeout(600_000);
  const index = JSON.parse(readFileSync('public/runs/index.json', 'utf8')) as Record<string, { events: number }>;
  const name = process.env.BENCH_SCRUB_RUN ?? Object.entries(index).sort((a, b) => b[1].events - a[1].events)[0][0];
  await page.goto(`/?run=${name}&backend=cpu`);
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-length', String(index[name].events), { timeout: 60_000 });
  // The worker times its backend once it is ready (a few training steps): wait it out, so that
  // the frames measure the page and not the worker competing for the same two cores.
  await page.getByTestId('backend-why').click();
  await page.locator('[data-testid="backend-rates"] li').first().waitFor({ state: 'attached', timeout: 120_000 });
  const rows: ({ what: string; pattern: string } & ScrubResult)[] = [];
  const measure = async (what: string) => {
    for (const pattern of ['drag', 'jumps'] as const) rows.push({ what, pattern, ...(await scrub(page, pattern)) });
  };
  await measure(`gallery run \`${name}\``);

  const big = path.join(os.tmpdir(), 'nas-playground-scrub-10k.json');
  const table = '../shared/datasets/nas-bench-201/nb201_cifar10.csv';
  if (existsSync(table)) {
    const command = `npm run search -- --method evolution --evaluator table --table ${table} --budget 3000 --seed 2 --with-log --quiet --out ${big}`;
    execSync(command, { stdio: 'inherit' });
    const events = (JSON.parse(readFileSync(big, 'utf8')) as { log: unknown[] }).log.length;
    await page.getByTestId('reset-button').click();
    await page.getByTestId('import-input').setInputFiles(big);
    await page.getByTestId('import-replay-button').click();
    await expect(page.getByTestId('timeline')).toHaveAttribute('data-length', String(events), { timeout: 120_000 });
    await measure(`evolution on NAS-Bench-201, 3,000 queries (\`${command.replace(big, 'big.json')}\`)`);
  } else console.log(`scrub: ${table} is missing; only the gallery run is measured`);

  const f = (v: number) => v.toFixed(1);
  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  };
  // One frame at 60 Hz is 16.7 ms; a little slack for the clock's jitter.
  const dropped = (frames: number[]) => frames.filter((g) => g > 17.5).length;
  const cells = (r: ScrubResult) => [f(pct(r.frames, 0.5)), f(pct(r.frames, 0.95)), f(Math.max(...r.frames)), `${dropped(r.frames)} / ${r.frames.length}`, f(pct(r.input, 0.95)), f(r.settle)];
  for (const r of rows) console.log(`scrub ${r.what} (${r.events} events), ${r.pattern}: frame p50 / p95 / max ${cells(r).slice(0, 3).join(' / ')} ms, ${cells(r)[3]} frames over 16.7 ms, input p95 ${cells(r)[4]} ms, view settles ${cells(r)[5]} ms after the last move`);
  writeFileSync(
    DOC,
    updateDoc(
      existsSync(DOC) ? readFileSync(DOC, 'utf8') : null,
      {
        scrub: `\`npm run bench:browser\` on ${new Date().toISOString().slice(0, 10)} (${machine()}): the timeline moved once every animation frame for 120 frames, as a drag moves it: *drag* sweeps the whole run from start to end, *jumps* lands each frame far from the last. A frame is the gap between two animation frames, so it holds all the main thread did in between (the input event's refold and render, the charts' draws, the method view's deferred render, style, layout and paint); at 60 Hz a smooth frame is 16.7 ms. *Input* is the input event alone; *settles* is how long after the last move the method's view showed that moment.\n\n${mdTable(['run', 'events', 'moves', 'frame p50 (ms)', 'frame p95 (ms)', 'max (ms)', 'frames over 16.7 ms', 'input p95 (ms)', 'view settles (ms)'], rows.map((r) => [`${r.what}, ${r.pattern}`, r.events, r.frames.length, ...cells(r)]), ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'])}`,
      },
      'e2e',
    ),
  );
});

interface ScrubResult {
  events: number;
  /** Gaps between consecutive animation frames while the timeline moves once a frame (ms). */
  frames: number[];
  /** Main-thread time of each move's input event: the store's refold and React's urgent render (ms). */
  input: number[];
  /** From the last move until the method's view (rendered deferred) shows that moment (ms). */
  settle: number;
}

/**
 * One move of the timeline each animation frame, as a drag delivers them, for 120 frames; then
 * waits for the method's view to catch up. `pattern` 'drag' sweeps the whole run from start to
 * end; 'jumps' lands each frame far from the last (i·37 mod 120 of 120 positions), the worst case
 * for the snapshots. A gap between frames above 16.7 ms is a dropped frame: it holds every
 * main-thread cost of the frame (input, render, rAF draws, style, layout, paint), including the
 * deferred work that runs between frames.
 */
async function scrub(page: Page, pattern: 'drag' | 'jumps'): Promise<ScrubResult> {
  return page.evaluate(async (pattern) => {
    const range = document.querySelector<HTMLInputElement>('[data-testid="timeline-range"]')!;
    const panel = () => document.querySelector('[data-testid="method-panel"]');
    const n = Number(range.max);
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const moves = 120;
    const positions = Array.from({ length: moves }, (_, i) => Math.round((n * (pattern === 'drag' ? i + 1 : (i * 37) % moves)) / (pattern === 'drag' ? moves : moves - 1)));
    const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
    // Start from a settled page at the first position's neighbourhood.
    setValue.call(range, String(pattern === 'drag' ? 0 : n));
    range.dispatchEvent(new Event('input', { bubbles: true }));
    for (let i = 0; i < 10 || panel()?.getAttribute('aria-busy') === 'true'; i++) await frame();
    const stamps: number[] = [await frame()];
    const input: number[] = [];
    for (const k of positions) {
      const t0 = performance.now();
      setValue.call(range, String(k));
      range.dispatchEvent(new Event('input', { bubbles: true }));
      input.push(performance.now() - t0);
      stamps.push(await frame());
    }
    const last = performance.now();
    while (panel()?.getAttribute('aria-busy') === 'true') await frame();
    const settle = performance.now() - last;
    return { events: n, frames: stamps.slice(1).map((t, i) => t - stamps[i]), input, settle };
  }, pattern);
}

/**
 * Cold start: a fresh page (no remembered backend) with 'auto', random search on the digits with
 * the Quick preset, as a class would start it. Times from navigation to the backend badge, and from Start to the first training point
 * and the first scored candidate on the charts.
 */
test('cold start: backend ready, first training point, first candidate', async ({ page }) => {
  const url = '/?method=random&preset=quick&dataset=digits&evaluator=supernet&seed=1&speed=max&backend=auto';
  const t0 = Date.now();
  await page.goto(url);
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toContainText('backend:', { timeout: 120_000 });
  const ready = Date.now() - t0;
  const backend = ((await badge.textContent()) ?? '').replace('backend: ', '');
  const why = (await badge.getAttribute('title')) ?? '';
  const countOf = async (id: string) => Number((await page.getByTestId(id).getAttribute('data-count')) ?? '0');
  const t1 = Date.now();
  await page.getByTestId('start-button').click();
  await expect.poll(() => countOf('loss-chart'), { timeout: 120_000, intervals: [25] }).toBeGreaterThan(0);
  const firstPoint = Date.now() - t1;
  await expect.poll(() => countOf('score-chart'), { timeout: 180_000, intervals: [25] }).toBeGreaterThan(0);
  const firstCandidate = Date.now() - t1;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(`cold start: backend ${backend} ready ${s(ready)} s after navigation; first point ${s(firstPoint)} s, first candidate ${s(firstCandidate)} s after Start`);
  writeFileSync(
    DOC,
    updateDoc(
      existsSync(DOC) ? readFileSync(DOC, 'utf8') : null,
      {
        'cold-start': `\`npm run bench:browser\` on ${new Date().toISOString().slice(0, 10)} (${machine()}): a fresh browser profile, \`${url}\` (random search, digits, the Quick preset: ${METHOD_CATALOG.find((m) => m.id === 'random')!.presets.quick.supernet!.steps} supernet steps). The dataset is fetched while the page waits for Start.\n\n${mdTable(['backend (auto)', 'backend ready after navigation (s)', 'first training point after Start (s)', 'first scored candidate after Start (s)'], [[backend, s(ready), s(firstPoint), s(firstCandidate)]], ['l', 'r', 'r', 'r'])}\n\nWhy auto chose it: ${why.replace(/\|/g, '/')}`,
      },
      'e2e',
    ),
  );
});
