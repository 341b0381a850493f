/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { RunController } from '../engine/core/runLoop';
import { measureSupernetThroughput } from '../engine/evaluate/throughput';
import type { RunEvent } from '../engine/core/events';
import { isUserDatasetId, loadDataset, registerDataset, unknownDatasetMessage, type Dataset, type DatasetId } from '../engine/data/datasets';
import { checkStoredDataset, prepareUserDataset, userDatasetInfo } from '../engine/data/userData';
import { readCheckpoint, readUserDataset, writeCheckpoint } from '../app/restore/idb';
import { type BatchEnd, runCompareCommand, runRepeatCommand, runStartCommand } from './runCommand';
import { CALIBRATION, chooseBackend } from './backend';
import type { RetrainedNetwork } from '../engine/core/formats';
import { checkExportedModel, exportModel } from '../engine/export/modelExport';
import { type BackendName, EVENT_FLUSH_MS, type WorkerCommand, type WorkerMessage } from './protocol';

/**
 * The worker owns the tfjs backend and the run. It turns page commands into controller calls
 * and posts run events in batches every EVENT_FLUSH_MS, so the page receives a steady trickle
 * however fast steps run.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: WorkerMessage) => scope.postMessage(m);

let datasetsUrl = '';
let controller: RunController | null = null;
/** The page's id of the run `controller` drives; events and states are posted with it. */
let runId = -1;
let running: Promise<void> | null = null;
const datasets = new Map<DatasetId, Promise<Dataset>>();
let queue: RunEvent[] = [];
/** A calibration in progress after 'ready' (see init's `knownRates`), stopped when a run starts. */
let calibration: { controller: RunController; done: Promise<void> } | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
/** The last run's retrained winner (weights read back after its final phase), kept for the model export until the next run starts. */
let retained: { runId: number; net: RetrainedNetwork; dataset: DatasetId } | null = null;

/** The kept network of run `id`, or a throw saying why there is none. */
function retainedOf(id: number): NonNullable<typeof retained> {
  if (!retained || retained.runId !== id) throw new Error('this run kept no retrained network in this worker: only a run trained in this page session, whose final phase retrained its pick, has weights');
  return retained;
}
/**
 * A batch of table searches in progress — a repeat over seeds or a comparison — with its own
 * runId and controller, apart from the run's. One at a time: a new batch or a 'start' stops it.
 */
let batch: { kind: 'repeat' | 'compare'; runId: number; stop: boolean; controller: RunController | null; done: Promise<void> } | null = null;

function stopBatch(): Promise<void> | undefined {
  if (!batch) return undefined;
  batch.stop = true;
  batch.controller?.stop();
  return batch.done;
}

type BatchCommand = Extract<WorkerCommand, { type: 'repeat' | 'compare' }>;

/** A batch runs alone: it stops a batch in progress and refuses to share the worker with a live run. */
async function startBatch(cmd: BatchCommand): Promise<void> {
  await stopBatch();
  const end = (e: BatchEnd) => post(cmd.type === 'repeat' ? { type: 'repeat-end', runId: cmd.runId, ...e } : { type: 'compare-end', runId: cmd.runId, ...e });
  if (running) {
    end({ status: 'error', message: `a run is in progress: stop it before ${cmd.type === 'repeat' ? 'repeating over seeds' : 'running a comparison'}` });
    return;
  }
  if (calibration) {
    calibration.controller.stop();
    await calibration.done;
  }
  const b: NonNullable<typeof batch> = { kind: cmd.type, runId: cmd.runId, stop: false, controller: null, done: Promise.resolve() };
  batch = b;
  const controller = () => (b.controller = new RunController());
  const stopped = () => b.stop;
  b.done = (async () => {
    end(
      cmd.type === 'repeat'
        ? await runRepeatCommand(cmd, controller, stopped, (run, ms) => post({ type: 'repeat-run', runId: b.runId, run, ms }))
        : await runCompareCommand(cmd, controller, stopped, (method, seed, events, ms) => post({ type: 'compare-run', runId: b.runId, method, seed, events, ms })),
    );
    if (batch === b) batch = null;
  })();
}

function flush(): void {
  if (queue.length === 0) return;
  const events = queue;
  queue = [];
  const { numTensors, numBytes } = tf.memory();
  post({ type: 'events', runId, events, memory: { numTensors, numBytes } });
}

/** A learner's dataset from IndexedDB, checked against its hash and made known to the engine's lookups here. */
async function loadUserDataset(id: DatasetId): Promise<Dataset> {
  const raw = await readUserDataset(id);
  if (raw === undefined) throw new Error(unknownDatasetMessage(id));
  const d = await checkStoredDataset(raw);
  if (typeof d === 'string') throw new Error(d);
  registerDataset(userDatasetInfo(d));
  return prepareUserDataset(d);
}

function getDataset(id: DatasetId): Promise<Dataset> {
  let p = datasets.get(id);
  if (!p) {
    p = isUserDatasetId(id) ? loadUserDataset(id) : loadDataset(id, async (rel) => {
      const res = await fetch(`${datasetsUrl}${rel}`);
      if (!res.ok) throw new Error(`could not load ${rel}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    p.catch(() => datasets.delete(id));
    datasets.set(id, p);
  }
  return p;
}

/** A file shipped in public/ (a method's own files, such as DNA's teacher), by its path there. */
async function readPublic(rel: string): Promise<Uint8Array> {
  const res = await fetch(`${datasetsUrl.replace(/datasets\/$/, '')}${rel}`);
  if (!res.ok) throw new Error(`could not load ${rel}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function calibrate(): void {
  const controller = new RunController();
  controller.start();
  const done = (async () => {
    try {
      const r = await measureSupernetThroughput(await getDataset('digits'), { ...CALIBRATION, controller });
      post({ type: 'rate', rate: { name: tf.getBackend() as BackendName, msPerStep: r.msPerStep }, measuredAt: new Date().toISOString() });
    } catch {
      // Stopped by a run, or the backend could not train the calibration: the run's own pace estimates then.
    } finally {
      calibration = null;
    }
  })();
  calibration = { controller, done };
}

async function start(cmd: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  await stopBatch();
  if (calibration) {
    calibration.controller.stop();
    await calibration.done;
  }
  if (running) {
    controller?.stop();
    await running;
  }
  // The previous run has ended and flushed its last events under its own id.
  flush();
  const c = new RunController();
  controller = c;
  runId = cmd.runId;
  const id = cmd.runId;
  retained = null;
  c.onRetrained = (net) => {
    retained = { runId: id, net, dataset: cmd.config.dataset };
    post({ type: 'retrained', runId: id, space: net.space, arch: net.arch });
  };
  // Queued events go first, so the page never hears 'done' before the run's last events.
  c.onState = (state) => {
    flush();
    post({ type: 'state', runId: id, state });
  };
  if (cmd.paused) c.startPaused();
  timer ??= setInterval(flush, EVENT_FLUSH_MS);
  running = (async () => {
    try {
      // A checkpoint that cannot be written costs only a fast continue after a reload: the run goes on, the page is told.
      const checkpoints = {
        read: readCheckpoint,
        write: (key: string, cp: Parameters<typeof writeCheckpoint>[1]) =>
          writeCheckpoint(key, cp).catch((err: unknown) => post({ type: 'checkpoint-failed', runId: id, message: err instanceof Error ? err.message : String(err) })),
      };
      // A learner's dataset is known to the config check only once loaded here, whatever the evaluator.
      if (isUserDatasetId(cmd.config.dataset)) await getDataset(cmd.config.dataset);
      await runStartCommand(cmd, { dataset: getDataset, read: readPublic, checkpoints }, c, (e) => queue.push(e));
    } catch (err) {
      queue.push({ type: 'run-end', t: 0, status: 'error', message: err instanceof Error ? err.message : String(err) });
      c.finish();
    } finally {
      flush();
      running = null;
    }
  })();
}

scope.onmessage = async (ev: MessageEvent<WorkerCommand>) => {
  const cmd = ev.data;
  try {
    switch (cmd.type) {
      case 'init': {
        datasetsUrl = cmd.datasetsUrl;
        const backend = await chooseBackend(cmd.backend, () => getDataset('digits'), { remembered: cmd.remembered, timeSoftware: cmd.timeSoftware });
        post({ type: 'ready', backend });
        if (cmd.prefetch) getDataset(cmd.prefetch).catch(() => undefined); // a failure is reported by the run that needs it
        if (!backend.measured?.some((m) => m.name === backend.name) && !cmd.knownRates?.includes(backend.name)) calibrate();
        break;
      }
      case 'start':
        await start(cmd);
        break;
      case 'pause':
        if (cmd.runId === runId) controller?.pause();
        break;
      case 'resume':
        if (cmd.runId === runId) controller?.resume();
        break;
      case 'step':
        if (cmd.runId === runId) controller?.step();
        break;
      case 'stop':
        if (cmd.runId === runId) controller?.stop();
        break;
      case 'speed':
        if (cmd.runId === runId && controller) controller.speed = cmd.speed;
        break;
      case 'repeat':
      case 'compare':
        await startBatch(cmd);
        break;
      case 'repeat-stop':
      case 'compare-stop':
        if (batch && batch.kind === cmd.type.replace('-stop', '') && batch.runId === cmd.runId) await stopBatch();
        break;
      case 'export-model': {
        const id = cmd.runId;
        try {
          const files = await exportModel(retainedOf(id).net);
          post({ type: 'model-export', runId: id, files });
        } catch (err) {
          post({ type: 'model-export', runId: id, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      }
      case 'check-model': {
        const id = cmd.runId;
        try {
          const kept = retainedOf(id);
          const json = cmd.files.find((f) => f.name.endsWith('.json'));
          if (!json) throw new Error('pick the model.json file and its weights file together');
          if (!cmd.files.some((f) => f.name.endsWith('.bin'))) throw new Error('pick the weights file (.bin) together with model.json');
          // browserFiles wants model.json first, then its weights files.
          const model = await tf.loadLayersModel(tf.io.browserFiles([json, ...cmd.files.filter((f) => f !== json)]));
          try {
            post({ type: 'model-check', runId: id, result: await checkExportedModel(model, kept.net, await getDataset(kept.dataset)) });
          } finally {
            model.dispose();
          }
        } catch (err) {
          post({ type: 'model-check', runId: id, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      }
      case 'bench': {
        if (calibration) await calibration.done;
        if (running) throw new Error('a run is in progress: stop it before measuring throughput');
        const result = await measureSupernetThroughput(await getDataset(cmd.dataset), cmd);
        post({ type: 'bench-result', result });
        break;
      }
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
