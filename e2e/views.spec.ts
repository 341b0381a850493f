import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { RunEvent } from '../src/engine/core/events';
import { validateArchitectureFile } from '../src/engine/export/architectureFile';
import { methodEvents, ofType, replay } from './fixtures';
import { count } from './util';

/**
 * Every view checked against a recorded run (e2e/fixtures/, made by npm run fixtures:record):
 * import the file, replay its log, and compare what each view draws with what the log holds.
 * No training happens here, so each spec takes seconds.
 */

test('replay: a recorded random search fills the training chart, candidates and leaderboard, and exports again', async ({ page }) => {
  const f = await replay(page, 'random-supernet');
  const train = ofType(f.log, 'train');
  const candidates = ofType(f.log, 'candidate');
  expect(candidates).toHaveLength(f.file.config.budget);
  expect(await count(page, 'loss-chart')).toBe(train.length);
  expect(await count(page, 'score-chart')).toBe(candidates.length);
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(candidates.length);
  await expect(page.getByTestId('progress-bar')).toHaveAttribute('data-done', String(candidates.length));

  // The leaderboard's best row is the best candidate of the log, and its cell is drawn on click.
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  // The leaderboard is one of the shared panels' tabs (the result is in front once it arrives).
  await page.getByTestId('tab-leaderboard').click();
  const top = page.getByTestId('leaderboard-row').first();
  await expect(top).toHaveAttribute('data-index', String(best.index));
  await top.click();
  await expect(page.getByTestId('cell-graph').first()).toHaveAttribute('data-arch', best.arch.arch);

  // The final result is the log's final event.
  const final = ofType(f.log, 'final')[0];
  await expect(page.getByTestId('final-result')).toContainText(final.arch.arch);
  await expect(page.getByTestId('final-cell-graph')).toHaveAttribute('data-arch', final.arch.arch);
  await expect(page.getByTestId('final-test-acc')).toContainText(final.metrics.testAcc.toFixed(2));

  // A replayed run exports the same architecture, with the same log.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(validateArchitectureFile(file).ok).toBe(true);
  expect(file.arch).toBe(f.file.arch);
  expect(file.log).toHaveLength(f.log.length);
  expect(file.config).toEqual(f.file.config);
});

test('evolution: population, lifelines, mutations and regret from a recorded table run', async ({ page }) => {
  const f = await replay(page, 'evolution-nb201');
  const populations = methodEvents<{ cycle: number; population: number[] }>(f.log, 'population');
  const mutations = methodEvents(f.log, 'mutation');
  expect(mutations.length).toBeGreaterThan(0);
  await expect(page.getByTestId('evolution-view')).toBeVisible();
  await expect(page.getByTestId('evolution-lifelines')).toBeVisible();
  // The population list holds the last population of the log, member by member.
  const last = populations.at(-1)!;
  await expect(page.getByTestId('evolution-population').locator('li')).toHaveCount(last.population.length);
  // The latest cycle is shown: its mutation names the edge the log mutated.
  const lastMutation = mutations.at(-1) as { edge: number; parentIndex: number };
  await expect(page.getByTestId('evolution-mutation')).toHaveAttribute('data-edge', String(lastMutation.edge));
  await expect(page.getByTestId('evolution-mutation')).toHaveAttribute('data-parent', String(lastMutation.parentIndex));
  await expect(page.getByTestId('evolution-parent-cell')).toBeVisible();
  await expect(page.getByTestId('evolution-child-cell')).toBeVisible();
  // Regret as NAS-Bench-201 reports it: the table's best reported value minus the reported value
  // of the candidate with the best search score (the first one on ties), after every query.
  const info = methodEvents<{ optimum: { value: number }; reportColumn: string }>(f.log, 'table-info')[0];
  const pick = ofType(f.log, 'candidate').reduce((a, b) => (b.score > a.score ? b : a));
  const regret = page.getByTestId('regret-chart');
  await expect(regret).toHaveAttribute('data-queries', String(f.file.config.budget));
  expect(Number(await regret.getAttribute('data-regret'))).toBeCloseTo(info.optimum.value - pick.metrics[info.reportColumn], 6);
  await expect(page.getByTestId('table-info')).toContainText('nb201_cifar10.csv');
});

test('evolution lifelines while scrubbing: the whole run drawn once, revealed to the moment, nothing of its future shown', async ({ page }) => {
  // The gallery's evolution run: 100 queries, so a chunk of births (64) comes from the whole run.
  const file = JSON.parse(await readFile('public/runs/evolution-nb201.json', 'utf8')) as { log: RunEvent[] };
  await page.goto('/?run=evolution-nb201&backend=cpu');
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toHaveAttribute('data-length', String(file.log.length));
  const plot = page.getByTestId('evolution-lifelines');
  const marks = () =>
    plot.evaluate((svg) => {
      const box = svg.parentElement!;
      const reveal = box.querySelector<HTMLElement>(':scope > .chart-reveal')!;
      const alive = [...box.querySelectorAll<SVGLineElement>(':scope > .chart-top line')];
      // Birth dots are round-capped zero-length segments, one "h0" each, wherever they are drawn.
      const dots = [...box.querySelectorAll('path[stroke-linecap="round"]')].reduce((n, p) => n + (p.getAttribute('d')!.match(/h0/g)?.length ?? 0), 0);
      return { members: Number(svg.dataset.members), reveal: reveal.getBoundingClientRect().width, chart: svg.getBoundingClientRect().width, alive: alive.length, aliveEnd: Math.max(...alive.map((l) => Number(l.getAttribute('x2')))), dots, layers: box.querySelectorAll(':scope > .chart-reveal').length };
    });
  const end = await marks();
  expect(end.members).toBe(100);
  expect(end.dots).toBe(100);
  expect(end.layers).toBe(2);
  expect(Math.abs(end.reveal - end.chart)).toBeLessThan(1);
  for (const k of [Math.round(file.log.length * 0.8), Math.round(file.log.length * 0.3)]) {
    await page.getByTestId('timeline-range').fill(String(k));
    await expect(timeline).toHaveAttribute('data-count', String(k));
    await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
    const pops = file.log.slice(0, k).filter((e): e is Extract<RunEvent, { type: 'method' }> => e.type === 'method' && e.kind === 'population');
    const m = await marks();
    expect(m.members).toBe(pops.length);
    // Every member born by then has its dot, and none born later.
    expect(m.dots).toBe(pops.length);
    expect(m.alive).toBe((pops.at(-1)!.data as { population: number[] }).population.length);
    // The whole run's lines are cut 1 px before the moment's last query, where the alive lines end.
    expect(Math.abs(m.reveal - (m.aliveEnd - 1))).toBeLessThan(1);
    expect(m.reveal).toBeLessThan(m.chart * 0.95);
  }
});

test('a broken import is refused with a message naming the fault, and changes nothing on the page', async ({ page }) => {
  // A run on screen and an accepted import first, so "nothing" has something to lose.
  const f = await replay(page, 'random-supernet');
  const before = await page.locator('main').innerText();
  const url = page.url();
  for (const [name, body, why] of [
    ['broken.json', '{"schema": "nas-playground/architecture", "version": 1, ', /json/i],
    ['future.json', JSON.stringify({ schema: 'nas-playground/architecture', version: 99 }), /version/i],
    ['wrong-op.json', JSON.stringify({ ...f.file, arch: '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|' }), /conv_9x9/],
  ] as const) {
    await page.getByTestId('import-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    await expect(page.getByTestId('import-error')).toContainText(name);
    await expect(page.getByTestId('import-error')).toContainText(why);
    await expect(page.getByTestId('import-result')).toContainText(f.file.arch);
  }
  expect(await count(page, 'score-chart')).toBe(f.file.config.budget);
  // Nothing outside the import's own message changed: the run area and the link are as they were.
  expect(await page.locator('main').innerText()).toBe(before);
  expect(page.url()).toBe(url);
});

test('NAO: the embedding of each round with its gradient trajectories, the predictor per round, from a recorded table run', async ({ page }) => {
  const f = await replay(page, 'nao-nb201');
  type Gen = { iteration: number; trajectories: { seedArch: string; steps: unknown[] }[] };
  const embeddings = methodEvents<{ iteration: number; points: unknown[] }>(f.log, 'embedding');
  const generations = methodEvents<Gen>(f.log, 'generation');
  expect(embeddings.length).toBeGreaterThan(1); // at least two rounds, so the round picker has something to pick
  const chart = page.getByTestId('nao-embedding');
  const check = async (k: number) => {
    const emb = embeddings[k];
    const gen = generations.find((g) => g.iteration === emb.iteration)!;
    await expect(chart).toHaveAttribute('data-round', String(emb.iteration));
    await expect(chart).toHaveAttribute('data-points', String(emb.points.length));
    const paths = page.getByTestId('nao-trajectory');
    await expect(paths).toHaveCount(gen.trajectories.length);
    expect((await paths.evaluateAll((els) => els.map((e) => e.getAttribute('data-seed')))).sort()).toEqual(gen.trajectories.map((t) => t.seedArch).sort());
    expect(await paths.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-steps'))))).toEqual(gen.trajectories.map((t) => t.steps.length));
  };
  // The latest round is shown first; the picker goes back to round 1.
  await check(embeddings.length - 1);
  await page.getByTestId('nao-round').fill(String(embeddings[0].iteration));
  await check(0);
  await expect(page.getByTestId('nao-landscape')).toBeVisible();
  await expect(page.getByTestId('nao-predictor')).toBeVisible();
  await expect(page.getByTestId('nao-predictor-table').locator('tr[data-round]')).toHaveCount(embeddings.length);
  await expect(page.getByTestId('nao-summary')).toContainText(`Best so far: #${methodEvents<{ final: { candidateIndex: number } }>(f.log, 'summary')[0].final.candidateIndex}`);
  expect(await count(page, 'score-chart')).toBe(ofType(f.log, 'candidate').length);
});

test('DNA: block losses, every candidate rated, the budget search re-solved by its slider, the chain exported, from a recorded run', async ({ page }) => {
  const f = await replay(page, 'dna-digits');
  const lossPoints = methodEvents<{ points: unknown[] }>(f.log, 'block-loss').reduce((n, e) => n + e.points.length, 0);
  const rated = methodEvents<{ candidates: unknown[] }>(f.log, 'block-scores').reduce((n, e) => n + e.candidates.length, 0);
  const search = methodEvents<{ limit: number; agree: boolean; exact: { arch: string } }>(f.log, 'search')[0];
  await expect(page.getByTestId('dna-view')).toBeVisible();
  await expect(page.getByTestId('dna-teacher')).toBeVisible();
  await expect(page.getByTestId('dna-block-losses')).toHaveAttribute('data-count', String(lossPoints));
  // 3 blocks × 2 layers × 4 ops: 16 paths per block, each rated once.
  expect(rated).toBe(48);
  await expect(page.getByTestId('dna-candidate-scores')).toHaveAttribute('data-count', String(rated));
  const budget = page.getByTestId('dna-budget-search');
  await expect(budget).toHaveAttribute('data-agree', String(search.agree));
  await expect(budget).toHaveAttribute('data-limit', String(search.limit));
  await expect(page.getByTestId('dna-result')).toHaveAttribute('data-arch', search.exact.arch);
  await expect(page.getByTestId('dna-result')).toHaveAttribute('data-final', 'yes');
  await expect(page.getByTestId('final-block-graph')).toBeVisible();
  await expect(page.getByTestId('final-block-graph').locator('[data-op]')).toHaveCount(6);

  // The slider re-solves the search on the page: a larger budget stays feasible and is taken up.
  const slider = page.getByTestId('dna-budget-slider');
  await slider.fill((await slider.getAttribute('max'))!);
  await expect.poll(async () => Number(await budget.getAttribute('data-limit'))).toBeGreaterThan(search.limit);
  await expect(budget).toHaveAttribute('data-feasible', 'true');

  // The chain exports with its structure and imports back as a block graph.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  const path = (await download.path())!;
  const file = JSON.parse(await readFile(path, 'utf8'));
  expect(validateArchitectureFile(file).ok).toBe(true);
  expect(file).toMatchObject({ version: 2, space: 'blocks', arch: search.exact.arch, config: { method: 'dna' } });
  expect(file.blocks.blocks).toHaveLength(3);
  await page.getByTestId('import-input').setInputFiles(path);
  await expect(page.getByTestId('import-block-graph')).toBeVisible();
  await expect(page.getByTestId('import-result')).toContainText(search.exact.arch);
});

test('Cream: the board after its last change, entries that left, matching and ρ, from a recorded run', async ({ page }) => {
  const f = await replay(page, 'cream-digits');
  type Row = { rho: number | null; teacherId: number | null; scores: unknown[] | null };
  const rows = methodEvents<{ rows: Row[] }>(f.log, 'steps').flatMap((e) => e.rows);
  const boards = methodEvents<{ entries: { id: number }[] }>(f.log, 'board');
  const last = boards.at(-1)!;
  const everSeen = new Set(boards.flatMap((b) => b.entries.map((e) => e.id)));
  expect(everSeen.size).toBeGreaterThan(last.entries.length); // the board changed: some entry left
  const board = page.getByTestId('cream-board');
  await expect(board).toHaveAttribute('data-size', String(last.entries.length));
  expect(await page.getByTestId('cream-board-card').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-entry'))))).toEqual(last.entries.map((e) => e.id));
  await expect(page.getByTestId('cream-scatter')).toHaveAttribute('data-count', String(rows.length));
  await expect(page.getByTestId('cream-rho')).toHaveAttribute('data-count', String(rows.filter((r) => r.rho !== null).length));
  const matched = rows.filter((r) => r.scores !== null).at(-1)!;
  await expect(page.getByTestId('cream-matching')).toHaveAttribute('data-teacher', String(matched.teacherId));
  await expect(page.getByTestId('cream-result')).toBeVisible();
  const final = ofType(f.log, 'final')[0];
  await expect(page.getByTestId('final-block-graph')).toHaveAttribute('aria-label', `the found block chain`);
  await expect(page.getByTestId('final-result')).toContainText(final.arch.arch);

  // Held at a moment, the loss curves are the whole run's, revealed up to the moment's last step.
  const losses = page.getByTestId('cream-losses');
  const reveal = () => losses.evaluate((svg) => ({ box: svg.parentElement!.querySelector(':scope > .chart-reveal')!.getBoundingClientRect().width, chart: svg.getBoundingClientRect().width }));
  expect(Math.abs((await reveal()).box - (await reveal()).chart)).toBeLessThan(1);
  const k = Math.round(f.log.length / 2);
  const before = methodEvents<{ rows: { step: number }[] }>(f.log.slice(0, k), 'steps').flatMap((e) => e.rows);
  await page.getByTestId('timeline-range').fill(String(k));
  await expect(losses).toHaveAttribute('data-steps', String(before.length));
  const mid = await reveal();
  // The x axis runs over the planned steps (50 px margin left, 14 right; the charts' M).
  const setup = methodEvents<{ steps: number }>(f.log, 'setup')[0];
  expect(mid.box).toBeCloseTo(50 + ((mid.chart - 64) * before.at(-1)!.step) / setup.steps, 0);
});

test('timeline: scrubbing shows the run as it stood, next jumps to the next candidate, and 16× playback reaches the end', async ({ page }) => {
  const f = await replay(page, 'random-supernet');
  const timeline = page.getByTestId('timeline');
  const n = f.log.length;
  await expect(timeline).toHaveAttribute('data-length', String(n));
  await expect(timeline).toHaveAttribute('data-count', String(n));
  const at = (k: number) => {
    const prefix = f.log.slice(0, k);
    return { train: ofType(prefix, 'train').length, candidates: ofType(prefix, 'candidate').length };
  };

  // The middle of the run: fewer points and candidates than at the end, exactly those of the prefix.
  // The training chart is behind its tab; random search's candidates chart is its method view.
  await page.getByTestId('tab-training').click();
  const mid = Math.floor(n / 2);
  await page.getByTestId('timeline-range').fill(String(mid));
  await expect(timeline).toHaveAttribute('data-count', String(mid));
  const m = at(mid);
  expect(m.candidates).toBeLessThan(f.file.config.budget);
  await expect.poll(() => count(page, 'score-chart')).toBe(m.candidates);
  await expect.poll(() => count(page, 'loss-chart')).toBe(m.train);
  // The whole run's marks stay drawn and their box reveals the prefix: it ends at the moment's
  // last candidate (x of its index + ½), short of the chart's right edge.
  const revealed = (id: string) =>
    page.getByTestId(id).evaluate((svg) => {
      const box = svg.parentElement!.querySelector<HTMLElement>('.chart-reveal')!;
      return { box: box.getBoundingClientRect().width, chart: svg.getBoundingClientRect().width };
    });
  const loss = await revealed('loss-chart');
  expect(loss.box).toBeGreaterThan(0);
  expect(loss.box).toBeLessThan(loss.chart * 0.95);
  if (m.candidates === 0) expect((await revealed('score-chart')).box).toBe(0);
  await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(m.candidates);
  await expect(page.getByTestId('final-result')).toHaveCount(0);
  // Export still writes the whole run, wherever the timeline stands.
  await expect(page.getByTestId('export-button')).toBeEnabled();

  // Next: the next candidate event, applied.
  const nextCandidate = f.log.findIndex((e, i) => i >= mid && e.type === 'candidate') + 1;
  await page.getByTestId('timeline-next').click();
  await expect(timeline).toHaveAttribute('data-count', String(nextCandidate));
  await expect.poll(() => count(page, 'score-chart')).toBe(m.candidates + 1);
  const score = await revealed('score-chart');
  expect(score.box).toBeGreaterThan(0);
  expect(score.box).toBeLessThan(score.chart * 0.9);

  // The keyboard moves the thumb one event at a time.
  await page.getByTestId('timeline-range').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(timeline).toHaveAttribute('data-count', String(nextCandidate - 1));
  await expect.poll(() => count(page, 'score-chart')).toBe(m.candidates);

  // Play at 16× from the start: the thumb moves and reaches the end, where the whole run is shown.
  await page.getByTestId('timeline-range').fill('0');
  await expect.poll(() => count(page, 'score-chart')).toBe(0);
  await page.getByTestId('timeline-speed').selectOption('16');
  await page.getByTestId('timeline-play').click();
  await expect(timeline).toHaveAttribute('data-count', String(n), { timeout: 30_000 });
  await expect(page.getByTestId('timeline-end')).toBeDisabled();
  expect(await count(page, 'score-chart')).toBe(f.file.config.budget);
  await page.getByTestId('tab-result').click();
  await expect(page.getByTestId('final-result')).toBeVisible();
  // Whole to within a pixel: a chart in a fractional-width column (the method view's, for random
  // search) is drawn at the column's whole-pixel clientWidth, a fraction narrower than its box.
  await expect.poll(async () => { const r = await revealed('score-chart'); return Math.abs(r.box - r.chart) < 1; }).toBe(true);
});
