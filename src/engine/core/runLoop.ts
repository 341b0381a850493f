import type { RunConfig } from './config';
import { SPEED_DELAY_MS, type Speed } from './config';
import type { RunEvent, Untimed } from './events';
import { Rng } from './rng';
import type { RetrainedNetwork } from './formats';

export class StopRequested extends Error {
  constructor() {
    super('run stopped');
  }
}

export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done';

/**
 * Start / pause / resume / single step / stop for a cooperative run. The engine calls
 * `checkpoint()` between units of work (a training step, a candidate evaluation); that is where
 * a pause holds, a single step lets exactly one unit through, a stop throws, and the speed
 * setting inserts its delay. It also yields to the event loop so commands can arrive.
 */
export class RunController {
  state: RunState = 'idle';
  private allowance = 0;
  private wake: (() => void) | null = null;
  speed: Speed = 'max';
  onState?: (s: RunState) => void;
  /**
   * Given, the run hands over the network its final phase retrained (weights read back once, after
   * training) — the worker keeps it for the model export. Held here because every run, whole-run
   * methods included, already receives its controller; absent, no weights are read back.
   */
  onRetrained?: (net: RetrainedNetwork) => void;

  start(): void {
    this.set('running');
  }

  pause(): void {
    if (this.state === 'running') this.set('paused');
  }

  resume(): void {
    if (this.state === 'paused') {
      this.allowance = 0;
      this.set('running');
      this.release();
    }
  }

  /** Starts held: the run waits for step() or resume(). */
  startPaused(): void {
    this.set('paused');
  }

  /** Lets one unit of work through, then holds again. */
  step(): void {
    if (this.state === 'paused') {
      this.allowance++;
      this.release();
    }
  }

  stop(): void {
    if (this.state !== 'done') this.set('stopped');
    this.release();
  }

  finish(): void {
    this.set('done');
  }

  async checkpoint(): Promise<void> {
    await yieldToEventLoop();
    const delay = SPEED_DELAY_MS[this.speed];
    if (delay > 0) await sleep(delay);
    for (;;) {
      if (this.state === 'stopped') throw new StopRequested();
      if (this.state === 'running') return;
      if (this.allowance > 0) {
        this.allowance--;
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private set(s: RunState): void {
    this.state = s;
    this.onState?.(s);
  }
}

/** What a method or evaluator gets to work with. */
export interface RunContext {
  config: RunConfig;
  /** The run's root generator; take a named fork for each purpose. */
  rng: Rng;
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
  /** Paused or single-stepping: a learner is watching step by step, so batch nothing. */
  held(): boolean;
  backend: string;
  /** Present when someone keeps the retrained winner (the controller's `onRetrained`): the final retrain of the pick calls it. */
  keepRetrained?: (net: RetrainedNetwork) => void;
}

export function makeContext(
  config: RunConfig,
  controller: RunController,
  sink: (e: RunEvent) => void,
  backend: string,
  now: () => number = () => performance.now(),
): RunContext {
  const t0 = now();
  return {
    config,
    rng: new Rng(config.seed),
    backend,
    emit: (e) => sink({ ...e, t: Math.round(now() - t0) }),
    checkpoint: () => controller.checkpoint(),
    held: () => controller.state === 'paused',
    keepRetrained: controller.onRetrained,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A macrotask boundary without setTimeout's 4 ms clamp: a MessageChannel round trip where one
 * exists (browsers, workers), setImmediate in Node.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return sleep(0);
}
