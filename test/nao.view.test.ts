import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../src/cli/nodeIo';
import { NaoView } from '../src/app/panels/nao/NaoView';
import { foldNao } from '../src/app/panels/nao/naoState';
import { holdoutInterval, holdoutTauText } from '../src/app/panels/nao/parts';
import { kendallTau } from '../src/engine/core/metrics';
import { withDefaults } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import type { BenchmarkTable } from '../src/engine/evaluate/table';
import { installFastCpuKernels } from '../src/engine/nn/cpuKernels';
import { runSearch } from '../src/engine/run';
import { cellAt, formatCell, NB201_OPS, NB201_SPACE_SIZE } from '../src/engine/spaces/nb201';

/** A synthetic table over the whole space (score: a fixed function of the ops), so the view test needs no shared data. */
function syntheticTable(): BenchmarkTable {
  const weight: Record<string, number> = { none: 0, skip_connect: 1, nor_conv_1x1: 2, nor_conv_3x3: 3, avg_pool_3x3: 0.5 };
  const rows = new Map<string, Record<string, number>>();
  for (let i = 0; i < NB201_SPACE_SIZE; i++) {
    const cell = cellAt(i);
    const s = cell.ops.reduce((a, op, e) => a + weight[op] * (1 + 0.1 * e), 0);
    rows.set(formatCell(cell), { valid: 50 + 2 * s, test: 49 + 2 * s });
  }
  return { name: 'synthetic', columns: ['valid', 'test'], rows, provenance: [] };
}

describe('NAO view', () => {
  let events: RunEvent[] = [];
  beforeAll(async () => {
    installFastCpuKernels();
    await useCpuBackend();
    const config = withDefaults({
      method: 'nao',
      evaluator: 'table',
      budget: 14,
      seed: 3,
      space: { ops: [...NB201_OPS] },
      table: { source: 'custom', searchColumn: 'valid', reportColumn: 'test' },
      methodSettings: { nao: { initialPool: 6, iterations: 2, newPerIteration: 4, topK: 3, epochs: 8, warmEpochs: 4, batchSize: 8, hiddenSize: 12, embeddingSize: 6, mlpHidden: 12, mlpLayers: 1, landscapeGrid: 5 } },
    });
    await runSearch(config, { table: syntheticTable() }, new RunController(), (e) => events.push(e));
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    events = events.filter((e) => e.type === 'method');
    expect(tf.memory().numTensors).toBe(0);
  });

  it('folds the events into rounds', () => {
    const m = foldNao(events);
    expect(m.plan?.mode).toBe('table');
    expect(m.rounds.map((r) => r.iteration)).toEqual([1, 2]);
    expect(m.pools.map((p) => p.iteration)).toEqual([0, 1, 2]);
    expect(m.rounds.every((r) => r.embedding && r.generation && r.landscape && r.holdout && r.losses.length > 0)).toBe(true);
    expect(m.summary).toBeDefined();
  });

  it("writes each round's hold-out τ with its bootstrap interval over the round's new cells, the same on every replay", () => {
    // The shipped NAO run: its rounds bring enough new cells for an interval (the small run above does not).
    const recorded = (JSON.parse(readFileSync('public/runs/nao-nb201.json', 'utf8')) as { log: RunEvent[] }).log.filter((e) => e.type === 'method');
    const m = foldNao(recorded);
    expect(m.rounds.filter((r) => (r.holdout?.points.length ?? 0) >= 3).length).toBeGreaterThan(1);
    for (const r of m.rounds) {
      const h = r.holdout!;
      const t = holdoutInterval(h);
      if (h.points.length < 3) {
        expect(t).toBeNull();
        continue;
      }
      // The estimate is the engine's τ; the interval holds it and, on a handful of cells, is wide.
      expect(t!.tau).toBeCloseTo(h.tau, 12);
      expect(t!.tau).toBeCloseTo(kendallTau(h.points.map((p) => p.predicted), h.points.map((p) => p.measured)), 12);
      expect(t!.lo).toBeLessThanOrEqual(t!.tau);
      expect(t!.hi).toBeGreaterThanOrEqual(t!.tau);
      expect(t!.hi - t!.lo).toBeGreaterThan(0.3);
      expect(holdoutTauText(h)).toMatch(/^−?\d\.\d\d \[−?\d\.\d\d, −?\d\.\d\d\]$/);
      // A fresh fold of the same events (a replay) gives the same interval.
      expect(holdoutInterval(foldNao(recorded.map((e) => structuredClone(e))).rounds.find((x) => x.iteration === r.iteration)!.holdout!)).toEqual(t);
    }
    const html = renderToStaticMarkup(createElement(NaoView, { events: recorded }));
    expect(html).toContain(holdoutTauText(m.rounds.at(-1)!.holdout!));
  });

  it('draws the embedding, one path per seed, and the predictor panel, with stable test ids', () => {
    const html = renderToStaticMarkup(createElement(NaoView, { events }));
    expect(html.match(/data-testid="nao-embedding"/g)).toHaveLength(1);
    expect(html).toMatch(/<svg[^>]*data-testid="nao-embedding"/);
    const seeds = foldNao(events).rounds.at(-1)!.generation!.trajectories.length;
    expect(html.match(/data-testid="nao-trajectory"/g)).toHaveLength(seeds);
    expect(html).toContain('data-testid="nao-predictor"');
    expect(html).toContain('data-testid="nao-landscape"');
    expect(html).toContain('data-testid="nao-weak-points"');
    expect(html).toContain('data-testid="nao-pool"');
  });

  it('draws every prefix of the log (a live run arrives event by event)', () => {
    for (let n = 0; n <= events.length; n++) expect(() => renderToStaticMarkup(createElement(NaoView, { events: events.slice(0, n) }))).not.toThrow();
  });
});
