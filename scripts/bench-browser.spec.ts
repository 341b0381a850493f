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
}

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
  for (const p of PLAN) {
    const started = await startOn(page, p.backend);
    if (started.name !== p.backend) {
      const note = `${p.backend}: not reachable in this Chromium (${started.name ? `the page fell back to ${started.name}` : 'no backend started'}; ${started.why})`;
      notes.push(note);
      console.log(note);
      continue;
    }
    const t0 = Date.now();
    const r = await page.evaluate(
      (o) => (window as unknown as { nasPlayground: { bench(o: unknown): Promise<Bench> } }).nasPlayground.bench(o),
      { dataset: 'digits' as const, steps: p.steps, warmup: p.warmup, batchSize: BATCH },
    );
    const leak = r.tensorsAfter === r.tensorsBefore ? '' : ` (tensors ${r.tensorsBefore} → ${r.tensorsAfter})`;
    rows.push([`Chromium ${version} (worker)`, r.backend, `supernet (default macro), digits 8×8 · ${BATCH}`, r.stepsPerSec.toFixed(2), r.msPerStep.toFixed(0), ((r.stepsPerSec * BATCH) | 0).toString(), `${machine()}${leak}; ${r.steps} steps after ${r.warmup} warm-up`]);
    console.log(`${p.backend}: ${r.msPerStep.toFixed(0)} ms/step over ${r.steps} steps (${((Date.now() - t0) / 1000).toFixed(0)} s with warm-up)`);
  }
  expect(rows.length).toBeGreaterThan(0);
  const rendering = 'WebGL and WebGPU in this headless Chromium run on SwiftShader (software), so they measure the code path, not a GPU.';
  blocks['throughput-browser'] = `\`npm run bench:browser\` on ${new Date().toISOString().slice(0, 10)}: the worker's \`bench\` command (measureSupernetThroughput: SupernetEvaluator.train, one uniformly sampled path per step) on each backend. ${rendering}\n\n${mdTable(THROUGHPUT_HEADER, rows, ['l', 'l', 'l', 'r', 'r', 'r', 'l'])}${notes.length ? `\n\n${notes.map((n) => `> ${n}`).join('\n')}` : ''}`;

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
 * Timeline scrubbing: the main-thread work of one scrub frame — the input event (React renders
 * the fold of the new prefix) plus every requestAnimationFrame callback of the frame that follows
 * (the charts draw there) — over positions spread across a recorded run. Measured on the gallery's
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
  const rows: { what: string; events: number; frames: number[] }[] = [{ what: `gallery run \`${name}\``, ...(await scrub(page)) }];

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
    rows.push({ what: `evolution on NAS-Bench-201, 3,000 queries (\`${command.replace(big, 'big.json')}\`)`, ...(await scrub(page)) });
  } else console.log(`scrub: ${table} is missing; only the gallery run is measured`);

  const f = (v: number) => v.toFixed(1);
  const stats = (frames: number[]) => {
    const sorted = [...frames].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return [f(pct(0.5)), f(pct(0.95)), f(sorted.at(-1)!)];
  };
  for (const r of rows) console.log(`scrub ${r.what} (${r.events} events): p50 / p95 / max ${stats(r.frames).join(' / ')} ms`);
  writeFileSync(
    DOC,
    updateDoc(
      existsSync(DOC) ? readFileSync(DOC, 'utf8') : null,
      {
        scrub: `\`npm run bench:browser\` on ${new Date().toISOString().slice(0, 10)} (${machine()}): 120 timeline moves spread over each whole run. Main-thread work per scrub frame: the input event (the store folds the prefix from its nearest snapshot, React renders) plus the animation-frame callbacks that redraw the charts.\n\n${mdTable(['run', 'events', 'moves', 'p50 (ms)', 'p95 (ms)', 'max (ms)'], rows.map((r) => [r.what, r.events, r.frames.length, ...stats(r.frames)]), ['l', 'r', 'r', 'r', 'r', 'r'])}`,
      },
      'e2e',
    ),
  );
});

/** 120 moves of the timeline, back and forth with long jumps among them: each frame's main-thread work in ms. */
async function scrub(page: Page): Promise<{ events: number; frames: number[] }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __raf: number; __rafWrapped?: boolean };
    w.__raf = 0;
    const raf = window.requestAnimationFrame.bind(window);
    if (!w.__rafWrapped) {
      w.__rafWrapped = true;
      window.requestAnimationFrame = (cb) =>
        raf((t) => {
          const t0 = performance.now();
          cb(t);
          w.__raf += performance.now() - t0;
        });
    }
    const range = document.querySelector<HTMLInputElement>('[data-testid="timeline-range"]')!;
    const n = Number(range.max);
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const frames: number[] = [];
    const positions = Array.from({ length: 120 }, (_, i) => Math.round((n * ((i * 37) % 120)) / 119));
    for (const k of positions) {
      await new Promise((res) => raf(() => res(null)));
      w.__raf = 0;
      const t0 = performance.now();
      setValue.call(range, String(k));
      range.dispatchEvent(new Event('input', { bubbles: true }));
      const sync = performance.now() - t0;
      await new Promise((res) => raf(() => setTimeout(res, 0)));
      frames.push(sync + w.__raf);
    }
    return { events: n, frames };
  });
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
