import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDefaults, type RunConfig } from '../src/engine/core/config';
import type { RunEvent } from '../src/engine/core/events';
import { RunController } from '../src/engine/core/runLoop';
import type { Dataset } from '../src/engine/data/datasets';
import type { BenchmarkTable } from '../src/engine/evaluate/table';
import { resumeSearch, runSearch, type RunCheckpoint, type RunResources } from '../src/engine/run';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { loadShippedTable, readShippedIndex } from '../scripts/lib/tables';
import { cpu, untimed } from './helpers';

/**
 * Continue from a checkpoint (engine/methods/resume.ts, run.ts `resumeSearch`): a run cut at
 * any event after its checkpoint and continued gives, event for event (times aside), the log of
 * the same seed run without a break — with the supernet's weights loaded, not trained again.
 */

let digits: Dataset;
let table: BenchmarkTable;

const supernetRun = (method: string, seed: number): RunConfig =>
  withDefaults({
    method,
    seed,
    budget: 12,
    supernet: { steps: 10, batchSize: 16, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, evalBatch: 32 },
    final: { enabled: true, epochs: 1, batchSize: 64, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    methodSettings: method === 'evolution' ? { evolution: { populationSize: 4, sampleSize: 2 } } : {},
  });

const tableRun = (method: string, seed: number): RunConfig =>
  withDefaults({
    method,
    seed,
    evaluator: 'table',
    budget: 40,
    space: { ops: readShippedIndex()!.tables.find((t) => t.kind === 'exhaustive')!.ops },
    table: { source: 'custom', searchColumn: 'val_acc', reportColumn: 'test_acc' },
    methodSettings: method === 'evolution' ? { evolution: { populationSize: 8, sampleSize: 3 } } : {},
  });

async function whole(config: RunConfig, res: RunResources): Promise<{ log: RunEvent[]; checkpoint: RunCheckpoint }> {
  const log: RunEvent[] = [];
  let checkpoint: RunCheckpoint | null = null;
  await runSearch(config, res, new RunController(), (e) => log.push(e), undefined, undefined, {
    checkpoint: async (cp) => {
      checkpoint = cp;
    },
  });
  expect(log.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
  expect(checkpoint).not.toBeNull();
  return { log, checkpoint: checkpoint! };
}

async function resume(config: RunConfig, res: RunResources, checkpoint: RunCheckpoint, saved: RunEvent[]): Promise<{ log: RunEvent[]; handed: RunCheckpoint[] }> {
  const log: RunEvent[] = [];
  const handed: RunCheckpoint[] = [];
  await resumeSearch(config, res, new RunController(), (e) => log.push(e), { checkpoint, saved }, { checkpoint: async (cp) => void handed.push(cp) });
  return { log, handed };
}

/** Cut points after the checkpoint: right after it, after the 3rd candidate, just before a candidate (mid-evaluation), and just before the final. */
function cuts(log: RunEvent[], from: number): number[] {
  const candidates = log.flatMap((e, i) => (e.type === 'candidate' ? [i] : []));
  const final = log.findIndex((e) => e.type === 'phase' && e.phase === 'final');
  return [from, candidates[2] + 1, candidates[6], final].filter((c) => c >= from);
}

describe('continue from a checkpoint', () => {
  beforeAll(async () => {
    await cpu();
    digits = await loadDatasetFromDisk('digits');
    const entry = readShippedIndex()?.tables.find((t) => t.kind === 'exhaustive');
    if (!entry) throw new Error('public/benchmarks/index.json lists no exhaustive table: run `npm run truth:build`');
    table = loadShippedTable(entry);
  });

  for (const method of ['random', 'evolution']) {
    it(`${method} with the supernet: interrupted anywhere + continue == uninterrupted, no supernet step again, no tensor left`, async () => {
      const config = supernetRun(method, 5);
      const res = { dataset: digits };
      const { log, checkpoint } = await whole(config, res);
      // The checkpoint stands for run-start, setup and the whole supernet phase.
      expect(log.slice(0, checkpoint.events).filter((e) => e.type === 'train' && e.phase === 'supernet')).toHaveLength(10);
      expect(log[checkpoint.events - 1]).not.toMatchObject({ type: 'candidate' });
      expect(checkpoint.state.weights.length).toBeGreaterThan(10);
      for (const cut of cuts(log, checkpoint.events)) {
        const before = tf.memory().numTensors;
        const { log: continued, handed } = await resume(config, res, checkpoint, log.slice(0, cut));
        expect(untimed(continued), `cut at event ${cut}`).toEqual(untimed(log));
        // The saved part is sent as it was; nothing after it is a supernet step.
        expect(continued.slice(0, cut)).toEqual(log.slice(0, cut));
        expect(continued.slice(cut).some((e) => e.type === 'train' && e.phase === 'supernet')).toBe(false);
        expect(handed).toEqual([checkpoint]);
        expect(tf.memory().numTensors).toBe(before);
      }
    }, 240_000);

    it(`${method} on a table: interrupted + continue == uninterrupted, the saved part answered from the log`, async () => {
      const config = { ...tableRun(method, 3), budget: 400 };
      const res = { table };
      const { log, checkpoint } = await whole(config, res);
      expect(checkpoint.state.weights).toEqual([]);
      for (const cut of cuts(log, checkpoint.events)) {
        const { log: continued } = await resume(config, res, checkpoint, log.slice(0, cut));
        expect(untimed(continued), `cut at event ${cut}`).toEqual(untimed(log));
      }
      // Catching up on 300 saved candidates, then 100 more.
      const cut = log.findIndex((e) => e.type === 'candidate' && e.index === 300);
      const t0 = performance.now();
      const { log: continued } = await resume(config, res, checkpoint, log.slice(0, cut));
      // Time is a figure, not a test (this machine is noisy): printed for docs/benchmarks.md.
      console.log(`${method}: caught up on 300 saved table candidates and ran 100 more in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(untimed(continued)).toEqual(untimed(log));
    }, 120_000);
  }

  it('random with standalone training: a continue skips the saved trainings yet trains the next ones from the same streams', async () => {
    const config = withDefaults({
      method: 'random',
      seed: 2,
      evaluator: 'standalone',
      budget: 4,
      standalone: { epochs: 1, batchSize: 128, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
      final: { enabled: false, epochs: 1, batchSize: 128, lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    });
    const res = { dataset: digits };
    const { log, checkpoint } = await whole(config, res);
    const second = log.findIndex((e) => e.type === 'candidate' && e.index === 1);
    const { log: continued } = await resume(config, res, checkpoint, log.slice(0, second + 1));
    expect(untimed(continued)).toEqual(untimed(log));
  }, 120_000);

  it('stops, saying where, when the saved run is not what the seed gives', async () => {
    const config = tableRun('evolution', 4);
    const res = { table };
    const { log, checkpoint } = await whole(config, res);
    const at = log.findIndex((e) => e.type === 'candidate' && e.index === 9);
    const saved = log.slice(0, at + 5).map((e, i) => (i === at && e.type === 'candidate' ? { ...e, arch: { space: 'nb201' as const, arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' } } : e));
    const { log: continued } = await resume(config, res, checkpoint, saved);
    const end = continued.at(-1)!;
    expect(end).toMatchObject({ type: 'run-end', status: 'error' });
    expect(end.type === 'run-end' && end.message).toMatch(/candidate #9: the continued run proposed \|.*, the saved run had \|none~0\|/);
    // The saved events as they were, then the end: nothing of the parted run is shown as if it were the saved one.
    expect(continued.slice(0, -1)).toEqual(saved);

    // A checkpoint from another log (its first events differ) is refused before anything runs.
    const other = log.slice(0, at).map((e, i) => (i === 1 && e.type === 'phase' ? { ...e, detail: 'another run' } : e));
    const refused = await resume(config, res, checkpoint, other);
    expect(refused.log.slice(0, at)).toEqual(other);
    expect(refused.log.slice(at)).toMatchObject([{ type: 'run-end', status: 'error', message: expect.stringContaining('not those the checkpoint was taken after') }]);
    expect(refused.handed).toEqual([]);
  });

  it('is refused for a method whose state is more than the checkpoint (NAO), saying why', async () => {
    const config = tableRun('random', 6);
    const { log, checkpoint } = await whole(config, { table });
    const nao = { ...config, method: 'nao' as RunConfig['method'] };
    const saved = [{ ...(log[0] as Extract<RunEvent, { type: 'run-start' }>), config: nao }, ...log.slice(1, checkpoint.events + 3)];
    const { log: continued } = await resume(nao, { table }, { ...checkpoint, method: 'nao' }, saved);
    expect(continued.at(-1)).toMatchObject({ type: 'run-end', status: 'error', message: expect.stringContaining('trains its predictor again') });
  });
});
