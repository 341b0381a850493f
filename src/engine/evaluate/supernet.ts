import * as tf from '@tensorflow/tfjs';
import type { RunContext } from '../core/runLoop';
import { BatchSampler, type Dataset } from '../data/datasets';
import { CellNetwork } from '../nn/cellNetwork';
import { type MacroConfig, nb201Cost } from '../nn/macro';
import { PathSgd } from '../nn/optim';
import { accuracy, crossEntropy, MetricBuffer, DeviceData, l2 } from '../nn/trainer';
import { sampleCell, type Nb201Cell } from '../spaces/nb201';
import { finalRetrain } from './standalone';
import type { Evaluation, Evaluator, EvaluatorState, FinalReport } from './types';

/** The supernet's train loop reads its loss back every this many steps, as in a run (MetricBuffer). */
export const SUPERNET_READ_EVERY = 10;
/** A validation probe (PROBE_PATHS paths scored, each one read-back) every this many steps. */
export const SUPERNET_PROBE_EVERY = 50;
const PROBE_PATHS = 4;

/**
 * How many read-backs (tensor.data() calls) `SupernetEvaluator.train` makes for `steps` steps
 * starting after `stepsDone`, with nobody watching step by step: the first step's loss at once,
 * then every SUPERNET_READ_EVERY steps, the rest at the end, and each probe's flush and scores.
 * None falls inside a step: the bench (evaluate/throughput.ts) counts the real ones against it.
 */
export function supernetReadBacks(stepsDone: number, steps: number): number {
  let reads = 0;
  let rows = 0;
  for (let i = 0; i < steps; i++) {
    rows++;
    if (i === 0 || rows >= SUPERNET_READ_EVERY) {
      reads++;
      rows = 0;
    }
    if ((stepsDone + i + 1) % SUPERNET_PROBE_EVERY === 0) {
      if (rows > 0) reads++;
      rows = 0;
      reads += PROBE_PATHS;
    }
  }
  return reads + (rows > 0 ? 1 : 0);
}

/** How many validation probes `train` runs for `steps` steps starting after `stepsDone`. */
export function supernetProbes(stepsDone: number, steps: number): number {
  return Math.floor((stepsDone + steps) / SUPERNET_PROBE_EVERY) - Math.floor(stepsDone / SUPERNET_PROBE_EVERY);
}

/**
 * The weight-sharing supernet (RSPS / SPOS style on the NB-201 cell): every step trains one
 * uniformly sampled path; a candidate is scored with the shared weights on one fixed validation
 * batch. BatchNorm uses the batch's own statistics, as NB-201's weight-sharing baselines do.
 */
export class SupernetEvaluator implements Evaluator<Nb201Cell> {
  readonly id = 'supernet' as const;
  readonly scoreLabel = 'val acc % (shared weights, fixed batch)';
  net: CellNetwork | null = null;
  private data: DeviceData | null = null;
  private evalBatch: { x: tf.Tensor4D; y: tf.Tensor1D } | null = null;
  private opt: PathSgd | null = null;
  private sampler: BatchSampler | null = null;
  /** Steps the supernet has trained so far (methods like NAO-WS train more between iterations). */
  stepsDone = 0;

  constructor(
    private readonly dataset: Dataset,
    private readonly macro: MacroConfig,
  ) {}

  async prepare(ctx: RunContext): Promise<void> {
    const s = ctx.config.supernet;
    this.data = new DeviceData(this.dataset);
    this.net = new CellNetwork(this.macro, ctx.rng.fork('supernet/init'), 'batch');
    this.evalBatch = this.data.val.head(s.evalBatch);
    this.opt = new PathSgd(s.lr, s.momentum);
    this.sampler = new BatchSampler(this.data.train.n, s.batchSize, ctx.rng.fork('supernet/batches'));
    if (s.steps > 0) {
      ctx.emit({ type: 'phase', phase: 'supernet', detail: `training the weight-sharing supernet: ${s.steps} steps, one uniformly sampled path per step`, total: s.steps });
      const pathRng = ctx.rng.fork('supernet/paths');
      await this.train(ctx, s.steps, () => sampleCell(pathRng));
    }
  }

  /**
   * Trains `steps` more steps; `pickPath` chooses each step's cell (uniform for RSPS; NAO-WS
   * draws from its pool). Emits train events, and a validation probe every 50 steps.
   */
  async train(ctx: RunContext, steps: number, pickPath: () => Nb201Cell): Promise<void> {
    const s = ctx.config.supernet;
    const net = this.net!;
    if (!this.opt || !this.sampler) throw new Error('this supernet was restored from a checkpoint, which keeps its weights but not its optimizer or batch stream: it cannot train further');
    const probeRng = ctx.rng.fork('supernet/probe');
    const probes = Array.from({ length: PROBE_PATHS }, () => sampleCell(probeRng));
    const metrics = new MetricBuffer('supernet', ctx.emit, SUPERNET_READ_EVERY, ctx.held);
    try {
      for (let i = 0; i < steps; i++) {
        await ctx.checkpoint();
        const cell = pickPath();
        const vars = net.pathVariables(cell);
        const { x, y } = this.data!.train.batch(this.sampler!.next());
        let acc: tf.Scalar | null = null;
        const loss = this.opt!.minimize(
          () => {
            const logits = net.forward(x, cell, 'train');
            acc = tf.keep(accuracy(logits, y));
            return tf.add(crossEntropy(logits, y), l2(vars, s.weightDecay)) as tf.Scalar;
          },
          vars,
        );
        x.dispose();
        y.dispose();
        const step = this.stepsDone++;
        await metrics.push(step, loss, acc!, s.lr);
        if ((step + 1) % SUPERNET_PROBE_EVERY === 0) {
          await metrics.flush();
          const accs = await Promise.all(probes.map((p) => this.score(p)));
          ctx.emit({
            type: 'val',
            phase: 'supernet',
            step,
            acc: accs.reduce((a, b) => a + b.acc, 0) / accs.length,
            loss: accs.reduce((a, b) => a + b.loss, 0) / accs.length,
          });
        }
      }
      await metrics.flush();
    } finally {
      metrics.dispose();
    }
  }

  /**
   * The trained weights. Taken once the supernet phase ends: a method that trains the supernet
   * further (NAO-WS) would need the momentum and the batch stream too, which are not kept, and
   * `restore` leaves it unable to train.
   */
  async snapshot(): Promise<EvaluatorState> {
    return { weights: await this.net!.store.read() };
  }

  /** The supernet as `prepare` left it, from its weights: no training. Weights it never built are built from the same seeded init. */
  async restore(ctx: RunContext, state: EvaluatorState): Promise<void> {
    this.data = new DeviceData(this.dataset);
    this.net = new CellNetwork(this.macro, ctx.rng.fork('supernet/init'), 'batch');
    this.net.store.load(state.weights);
    this.evalBatch = this.data.val.head(ctx.config.supernet.evalBatch);
    this.stepsDone = ctx.config.supernet.steps;
  }

  replayed(): void {}

  /** Accuracy (%) and loss of one path with the shared weights on the fixed validation batch. */
  async score(cell: Nb201Cell): Promise<{ acc: number; loss: number }> {
    const { x, y } = this.evalBatch!;
    const out = tf.tidy(() => {
      const logits = this.net!.forward(x, cell, 'eval');
      return tf.stack([accuracy(logits, y), crossEntropy(logits, y)]);
    });
    const [acc, loss] = await out.data();
    out.dispose();
    return { acc: 100 * acc, loss };
  }

  async evaluate(cell: Nb201Cell): Promise<Evaluation> {
    const { acc, loss } = await this.score(cell);
    return { score: acc, metrics: { supernetAcc: acc, supernetLoss: loss }, cost: nb201Cost(cell, this.macro) };
  }

  async finalize(cell: Nb201Cell, ctx: RunContext): Promise<FinalReport> {
    return finalRetrain(cell, ctx, this.data!, this.macro);
  }

  dispose(): void {
    this.evalBatch?.x.dispose();
    this.evalBatch?.y.dispose();
    this.evalBatch = null;
    this.opt?.dispose();
    this.opt = null;
    this.net?.dispose();
    this.net = null;
    this.data?.dispose();
    this.data = null;
  }
}
