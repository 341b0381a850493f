import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import type { BoardData, StepsData } from '../src/engine/methods/cream/events';
import { runCream } from '../src/engine/methods/cream/run';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { CreamView } from '../src/app/panels/cream/CreamView';
import { boardOpFrequency, entryRegion, foldCream } from '../src/app/panels/cream/creamState';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { cpu } from './helpers';

/** The Cream view is a function of the run's `method` events: fold and render a real (tiny) run's log, and parts of it. */
let events: RunEvent[] = [];

const count = (html: string, testId: string) => html.split(`data-testid="${testId}"`).length - 1;
const attr = (html: string, testId: string, name: string) => new RegExp(`data-testid="${testId}"[^>]*?${name}="([^"]*)"|${name}="([^"]*)"[^>]*?data-testid="${testId}"`).exec(html)?.slice(1).find((v) => v !== undefined);

describe('the Cream view', () => {
  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    const digits = await loadDatasetFromDisk('digits');
    const config = withDefaults({
      method: 'cream',
      seed: 5,
      final: { enabled: false, epochs: 1, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
      methodSettings: {
        cream: {
          stemChannels: 4,
          stages: [
            { channels: 4, stride: 1, layers: 2 },
            { channels: 8, stride: 2, layers: 1 },
          ],
          supernet: { steps: 16, warmup: 4, batchSize: 16, flushEvery: 4 },
          board: { size: 3, valBatch: 32 },
          meta: { every: 2, trainImages: 8, valImages: 8 },
        },
      },
    });
    const all: RunEvent[] = [];
    await runCream(config, { dataset: digits }, new RunController(), (e) => all.push(e));
    expect(all.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    events = all.filter((e) => e.type === 'method');
  });

  it('folds the log into the board, every step, matching and the final pick', () => {
    const m = foldCream(events);
    expect(m.setup?.boardSize).toBe(3);
    expect(m.rows).toHaveLength(16);
    const boards = events.filter((e) => e.type === 'method' && e.kind === 'board').map((e) => (e as { data: BoardData }).data);
    expect(m.board).toEqual(boards.at(-1)!.entries);
    expect(m.metas.length).toBe(events.filter((e) => e.type === 'method' && e.kind === 'steps').reduce((n, e) => n + (e as { data: StepsData }).data.metas.length, 0));
    expect(entryRegion(m)).toMatchObject({ kind: 'rule', worstAcc: m.board[2].acc, worstFlops: m.board[2].flops, gap: 5 });
    const freq = boardOpFrequency(m);
    expect(freq).toHaveLength(3);
    for (const layer of freq) expect(Object.values(layer.counts).reduce((a, b) => a + b, 0)).toBe(3);
    expect(m.final?.entries.map((e) => e.role)).toEqual(['chosen', 'random']);
  });

  it('renders the stable test ids with the right counts, live and at the end', () => {
    const html = renderToStaticMarkup(createElement(CreamView, { events }));
    expect(count(html, 'cream-board')).toBe(1);
    expect(count(html, 'cream-board-card')).toBe(3);
    expect(attr(html, 'cream-scatter', 'data-count')).toBe('16');
    expect(count(html, 'cream-matching')).toBe(1);
    expect(count(html, 'cream-rho')).toBe(1);
    expect(count(html, 'cream-result')).toBe(1);
    expect(html).toContain('one-step look-ahead');

    // Mid-run: only the first chunks of the log.
    const firstSteps = events.findIndex((e) => e.type === 'method' && e.kind === 'steps');
    const early = renderToStaticMarkup(createElement(CreamView, { events: events.slice(0, firstSteps + 1) }));
    expect(attr(early, 'cream-scatter', 'data-count')).toBe('4');
    expect(count(early, 'cream-board-card')).toBe(0);
    expect(early).toContain('opens after the warm-up');
    expect(count(early, 'cream-result')).toBe(0);
    expect(renderToStaticMarkup(createElement(CreamView, { events: [] }))).toContain('Waiting for the first Cream event');
  });
});
