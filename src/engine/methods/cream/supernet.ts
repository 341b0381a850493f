import * as tf from '@tensorflow/tfjs';
import type { RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import { BatchSampler } from '../../data/datasets';
import { type DeviceData, evaluateSplit, l2, accuracy, cosineLr, crossEntropy, type DeviceSplit, sumInOrder } from '../../nn/trainer';
import { BlockNetwork } from '../../nn/blockNetwork';
import { PathSgd } from '../../nn/optim';
import { type BlockArch, type BlockSpace, blockArchCost, formatBlockArch } from '../../spaces/blocks';
import { type Admission, PriorityBoard } from './board';
import { type BoardData, type BoardEntryView, CREAM_METHOD, type CreamEvent, type MetaRow, type StepRow } from './events';
import { creamLoss, softCrossEntropy } from './losses';
import { MetaMatchingNetwork } from './meta';
import { samplePath } from './sampling';
import type { CreamSettings } from './settings';

export interface TrainContext {
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
  /** True while the run is paused or single-stepping: then each chunk is one step, read back at once. */
  held?(): boolean;
}

/** What a board entry remembers for matching: a few of its training images and its own prediction on them. */
export interface EntryMemory {
  x: tf.Tensor4D;
  /** softmax of the entry's path on `x`, flattened [S·C]. */
  p: tf.Tensor1D;
}

interface Match {
  teacherId: number;
  teacher: BlockArch;
  rho: number;
  scores: { id: number; score: number }[];
}

/** A step's numbers, still on the device until the chunk's flush. */
interface PendingStep {
  step: number;
  arch: BlockArch;
  text: string;
  flops: number;
  lr: number;
  match: Match | null;
  phase: 'warmup' | 'board';
  loss: tf.Scalar;
  ce: tf.Scalar;
  kd: tf.Scalar | null;
  trainAcc: tf.Scalar;
  acc: tf.Scalar;
  /** Loss on the fixed validation batch (NaN when the board measures on the training batch). */
  valLoss: tf.Scalar;
  memory: EntryMemory | null;
  meta: { lookahead: tf.Scalar; dLossDRho: tf.Scalar; rhoBefore: tf.Scalar; rhoAfter: tf.Scalar; norm: tf.Scalar; teacherId: number } | null;
}

/**
 * The path's trainable variables. BlockNetwork.archVariables builds missing weights with a tiny
 * forward pass whose output it does not dispose (one tensor per first use of a layer's op); the
 * tidy here releases it.
 */
export function pathVariables(net: BlockNetwork, arch: BlockArch): tf.Variable[] {
  return tf.tidy(() => net.archVariables(arch));
}

const method = (e: CreamEvent): Untimed<RunEvent> => ({ type: 'method', method: CREAM_METHOD, kind: e.kind, data: e.data });

export const boardView = (e: { id: number; arch: string; acc: number; flops: number; step: number }, space: BlockSpace, archOf: (s: string) => BlockArch): BoardEntryView => ({
  id: e.id,
  arch: e.arch,
  acc: e.acc,
  flops: e.flops,
  params: blockArchCost(archOf(e.arch), space).params,
  step: e.step,
});

/**
 * Cream's one-shot supernet over the block space: each step trains one sampled path with shared
 * weights; after the warm-up a prioritized board of K paths is kept, the meta matching network
 * picks which entry teaches the current path, and the path learns from
 * (ρ·KD + (2 − ρ)·CE) / 2. With distillation off, the same loop is plain one-shot training
 * (SPOS-like) that still keeps the board.
 *
 * No read-back inside a step: a chunk of `flushEvery` paths is drawn up front, the matching
 * scores of all of them are computed and read back together before the chunk, and the step
 * metrics (losses, the path's accuracy) are read back together after it, when the board is
 * updated for every path of the chunk in order.
 */
export class CreamSupernet {
  readonly net: BlockNetwork;
  readonly board: PriorityBoard<EntryMemory>;
  readonly meta: MetaMatchingNetwork;
  stepsDone = 0;
  private readonly opt: PathSgd;
  private readonly sampler: BatchSampler;
  private readonly metaSampler: BatchSampler;
  private readonly pathRng: Rng;
  private readonly valBatch: { x: tf.Tensor4D; y: tf.Tensor1D };
  private readonly archs = new Map<string, BlockArch>();
  private boardCache: { key: string; x: tf.Tensor4D; p: tf.Tensor2D } | null = null;
  private lastBoardKey = '';
  private metaUpdates = 0;

  constructor(
    readonly space: BlockSpace,
    readonly data: DeviceData,
    readonly settings: CreamSettings,
    rng: Rng,
  ) {
    this.net = new BlockNetwork(space, rng.fork('supernet/init'), 'batch');
    this.opt = new PathSgd(settings.supernet.lr, settings.supernet.momentum);
    this.sampler = new BatchSampler(data.train.n, settings.supernet.batchSize, rng.fork('supernet/batches'));
    this.metaSampler = new BatchSampler(data.val.n, settings.meta.valImages, rng.fork('meta/batches'));
    this.pathRng = rng.fork('supernet/paths');
    this.valBatch = data.val.head(settings.board.valBatch);
    this.board = new PriorityBoard<EntryMemory>(settings.board.size, settings.board.gap, (m) => {
      m.x.dispose();
      m.p.dispose();
    });
    this.meta = new MetaMatchingNetwork(settings.distill.matchImages * space.numClasses, rng.fork('meta/init'), settings.meta.lr);
  }

  get totalSteps(): number {
    return this.settings.supernet.steps;
  }

  get warm(): boolean {
    return this.stepsDone >= this.settings.supernet.warmup;
  }

  archOf(text: string): BlockArch {
    return this.archs.get(text)!;
  }

  /** Draws the next path from the run's path stream (uniform, prior or board frequencies). */
  nextPath(): BlockArch {
    const s = this.settings.supernet;
    const onBoard = this.board.entries.map((e) => this.archOf(e.arch));
    return samplePath(this.space, this.pathRng, s.sampling, s.prior, onBoard);
  }

  /**
   * Trains the next chunk: up to `flushEvery` steps, ending at the warm-up boundary and at the
   * end of training. `paths` overrides the sampled paths (tests use it to touch every op).
   */
  async trainChunk(ctx: TrainContext, paths?: BlockArch[]): Promise<number> {
    const s = this.settings.supernet;
    const left = this.stepsDone < s.warmup ? s.warmup - this.stepsDone : s.steps - this.stepsDone;
    // A learner stepping through the run sees every step: chunks of one (fresher matching, the
    // board updated after each step — so a stepped run's numbers differ from a flat-out one's).
    const n = paths ? paths.length : ctx.held?.() ? 1 : Math.max(1, Math.min(s.flushEvery, left));
    const archs = paths ?? Array.from({ length: n }, () => this.nextPath());
    const matches = this.settings.distill.enabled && this.warm && this.board.entries.length > 0 ? await this.match(archs) : null;
    const pending: PendingStep[] = [];
    try {
      for (let i = 0; i < n; i++) {
        await ctx.checkpoint();
        pending.push(this.step(archs[i], matches?.[i] ?? null));
      }
    } finally {
      await this.flush(ctx, pending);
    }
    return n;
  }

  /**
   * Scores every board entry as teacher for each path: the student's softmax on the entry's stored
   * images minus the entry's own, through M. All paths' scores come back in one read.
   */
  private async match(archs: BlockArch[]): Promise<Match[]> {
    const { x, p } = this.boardTensors();
    const entries = this.board.entries;
    const K = entries.length;
    const all = tf.tidy(() =>
      tf.stack(
        archs.map((a) => {
          const probs = tf.softmax(this.net.forward(x, a, 'eval'));
          return this.meta.scores(tf.sub(tf.reshape(probs, [K, -1]), p) as tf.Tensor2D);
        }),
      ),
    );
    const values = await all.data();
    all.dispose();
    return archs.map((_, i) => {
      const scores = entries.map((e, k) => ({ id: e.id, score: values[i * K + k] }));
      let best = 0;
      for (let k = 1; k < K; k++) if (scores[k].score > scores[best].score) best = k;
      return { teacherId: entries[best].id, teacher: this.archOf(entries[best].arch), rho: 1 / (1 + Math.exp(-scores[best].score)), scores };
    });
  }

  /** The board's stored images and predictions, stacked (rebuilt only when the board changed). */
  private boardTensors(): { x: tf.Tensor4D; p: tf.Tensor2D } {
    const key = this.board.entries.map((e) => `${e.id}@${e.step}`).join(',');
    if (this.boardCache?.key !== key) {
      this.boardCache?.x.dispose();
      this.boardCache?.p.dispose();
      const es = this.board.entries;
      this.boardCache = {
        key,
        x: tf.concat(es.map((e) => e.memory.x)) as tf.Tensor4D,
        p: tf.stack(es.map((e) => e.memory.p)) as tf.Tensor2D,
      };
    }
    return this.boardCache;
  }

  private step(arch: BlockArch, match: Match | null): PendingStep {
    const s = this.settings;
    const step = this.stepsDone++;
    const text = formatBlockArch(arch);
    this.archs.set(text, arch);
    const lr = cosineLr(s.supernet.lr, step, s.supernet.steps);
    this.opt.lr = lr;
    const vars = pathVariables(this.net, arch);
    const { x, y } = this.data.train.batch(this.sampler.next());
    const phase = step < s.supernet.warmup ? 'warmup' : 'board';
    const S = s.distill.matchImages;
    let soft: tf.Tensor2D | null = null;
    let meta: PendingStep['meta'] = null;
    try {
      if (match) {
        soft = tf.tidy(() => tf.softmax(this.net.forward(x, match.teacher, 'train')));
        if (this.metaUpdates++ % s.meta.every === 0) meta = this.metaUpdate(arch, match, x, lr);
      }
      let ce: tf.Scalar | null = null;
      let kd: tf.Scalar | null = null;
      let trainAcc: tf.Scalar | null = null;
      let p: tf.Tensor1D | null = null;
      const loss = this.opt.minimize(() => {
        const logits = this.net.forward(x, arch, 'train');
        const ceT = crossEntropy(logits, y);
        ce = tf.keep(ceT);
        trainAcc = tf.keep(tf.mul(accuracy(logits, y), 100) as tf.Scalar);
        if (phase === 'board') p = tf.keep(tf.reshape(tf.softmax(tf.slice(logits, [0, 0], [S, -1])), [-1]) as tf.Tensor1D);
        let total: tf.Scalar = ceT;
        if (soft && match) {
          const kdT = softCrossEntropy(logits, soft);
          kd = tf.keep(kdT);
          total = creamLoss(ceT, kdT, match.rho);
        }
        return tf.add(total, l2(vars, s.supernet.weightDecay)) as tf.Scalar;
      }, vars);
      loss.dispose();
      // What the step minimised, weight decay excluded (the curves show the data terms).
      const lossT = kd && match ? creamLoss(ce!, kd, match.rho) : tf.clone(ce!);
      const [acc, valLoss] =
        s.board.metric === 'train'
          ? [tf.clone(trainAcc!), tf.scalar(NaN)]
          : tf.tidy(() => {
              const logits = this.net.forward(this.valBatch.x, arch, 'eval');
              return [tf.mul(accuracy(logits, this.valBatch.y), 100) as tf.Scalar, crossEntropy(logits, this.valBatch.y)];
            });
      const memory = p ? { x: tf.slice(x, [0, 0, 0, 0], [S, -1, -1, -1]) as tf.Tensor4D, p: p as tf.Tensor1D } : null;
      return { step, arch, text, flops: blockArchCost(arch, this.space).flops, lr, match, phase, loss: lossT, ce: ce!, kd, trainAcc: trainAcc!, acc, valLoss, memory, meta };
    } finally {
      x.dispose();
      y.dispose();
      soft?.dispose();
    }
  }

  /**
   * The meta matching network's update, before the student's real step (as the original's
   * run_update): simulate w′ = w − η·ρ·∇KD(w) on a few training images, measure the validation
   * loss at w′, restore w, and move M along −dL/dρ · dρ/dθ (see LOOKAHEAD_TEXT).
   */
  private metaUpdate(arch: BlockArch, match: Match, x: tf.Tensor4D, lr: number): NonNullable<PendingStep['meta']> {
    const s = this.settings;
    const entry = this.board.entries.find((e) => e.id === match.teacherId)!;
    const vars = pathVariables(this.net, arch);
    const xs = tf.slice(x, [0, 0, 0, 0], [s.meta.trainImages, -1, -1, -1]) as tf.Tensor4D;
    const val = this.data.val.batch(this.metaSampler.next());
    const diff = this.matchDiff(arch, entry.memory);
    try {
      const { lookahead, dLossDRho, rhoBefore } = lookaheadGradient(this.net, arch, vars, this.meta, diff, xs, match.teacher, val, lr);
      this.meta.step(diff, dLossDRho);
      const rhoAfter = this.meta.rho(diff);
      const norm = tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(this.meta.w)), tf.sum(tf.square(this.meta.b)))) as tf.Scalar);
      return { lookahead, dLossDRho, rhoBefore, rhoAfter, norm, teacherId: match.teacherId };
    } finally {
      xs.dispose();
      val.x.dispose();
      val.y.dispose();
      diff.dispose();
    }
  }

  /** softmax(student(x_k)) − p_k for one entry, as [1, S·C]. */
  matchDiff(arch: BlockArch, memory: EntryMemory): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(tf.sub(tf.reshape(tf.softmax(this.net.forward(memory.x, arch, 'eval')), [-1]), memory.p), [1, -1]) as tf.Tensor2D);
  }

  /** Reads a chunk's numbers back in one go, offers each path to the board in order, and emits. */
  private async flush(ctx: TrainContext, pending: PendingStep[]): Promise<void> {
    if (pending.length === 0) return;
    const scalars: tf.Scalar[] = [];
    for (const p of pending) {
      scalars.push(p.loss, p.ce, p.kd ?? p.ce, p.trainAcc, p.acc, p.valLoss);
      if (p.meta) scalars.push(p.meta.lookahead, p.meta.dLossDRho, p.meta.rhoBefore, p.meta.rhoAfter, p.meta.norm);
    }
    const stacked = tf.tidy(() => tf.stack(scalars));
    const v = await stacked.data();
    stacked.dispose();
    // p.kd may stand in for itself or reuse p.ce: dispose each tensor once.
    new Set(scalars).forEach((t) => t.dispose());
    const rows: StepRow[] = [];
    const metas: MetaRow[] = [];
    const entered: number[] = [];
    const left: number[] = [];
    const before = new Set(this.board.entries.map((e) => e.id));
    let o = 0;
    let valLossSum = 0;
    for (const p of pending) {
      const [loss, ce, kd, trainAcc, acc, valLoss] = [v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5]];
      o += 6;
      valLossSum += valLoss;
      if (p.meta) {
        metas.push({ step: p.step, teacherId: p.meta.teacherId, lookaheadLoss: v[o], dLossDRho: v[o + 1], rhoBefore: v[o + 2], rhoAfter: v[o + 3], weightNorm: v[o + 4] });
        o += 5;
      }
      let admitted: Admission | 'refresh' | null = null;
      const worst = this.board.full && this.board.worst ? { acc: this.board.worst.acc, flops: this.board.worst.flops } : null;
      if (p.memory) {
        const r = this.board.offer({ arch: p.text, acc, flops: p.flops }, p.step, p.memory);
        admitted = r.admitted;
        if (!r.admitted) {
          p.memory.x.dispose();
          p.memory.p.dispose();
        }
        if (r.entry && r.admitted !== 'refresh') entered.push(r.entry.id);
        for (const e of r.evicted) left.push(e.id);
      }
      rows.push({
        step: p.step,
        arch: p.text,
        flops: p.flops,
        acc,
        trainAcc,
        ce,
        kd: p.kd ? kd : null,
        loss,
        scores: p.match?.scores ?? null,
        teacherId: p.match?.teacherId ?? null,
        rho: p.match?.rho ?? null,
        admitted,
        worst,
        phase: p.phase,
      });
    }
    // 'train' events carry accuracy as a fraction, like every other trainer's.
    rows.forEach((r, i) => ctx.emit({ type: 'train', phase: 'supernet', step: r.step, loss: r.loss, acc: r.trainAcc / 100, lr: pending[i].lr }));
    if (this.settings.board.metric === 'val') {
      // The chunk's paths on the fixed validation batch: how well the shared weights serve a random path.
      ctx.emit({ type: 'val', phase: 'supernet', step: rows[rows.length - 1].step, acc: rows.reduce((a, r) => a + r.acc, 0) / rows.length, loss: valLossSum / rows.length });
    }
    ctx.emit(method({ kind: 'steps', data: { rows, metas, lr: pending[pending.length - 1].lr } }));
    const key = this.board.entries.map((e) => `${e.id}@${e.step}`).join(',');
    if (key !== this.lastBoardKey) {
      this.lastBoardKey = key;
      const data: BoardData = {
        step: pending[pending.length - 1].step,
        entries: this.board.entries.map((e) => boardView(e, this.space, (t) => this.archOf(t))),
        entered: entered.filter((id) => this.board.entries.some((e) => e.id === id)),
        // Paths that came and went within one chunk show only in the step rows.
        left: left.filter((id) => before.has(id)),
      };
      ctx.emit(method({ kind: 'board', data }));
    }
  }

  /** Supernet path accuracy (%) and loss of each architecture on the first `images` validation images (all by default: the ranking the bench measures). */
  async scoreArchs(archs: BlockArch[], images = Infinity): Promise<{ acc: number; loss: number }[]> {
    const val = this.data.val;
    const n = Math.min(images, val.n);
    // The first n validation images, as one DeviceSplit-shaped view (BatchNorm statistics per chunk of 512, as evaluateSplit).
    const part = n === val.n ? val : ({ n, x: val.x.slice([0, 0, 0, 0], [n, -1, -1, -1]), y: val.y.slice([0], [n]) } as unknown as DeviceSplit);
    try {
      const out: { acc: number; loss: number }[] = [];
      for (const a of archs) out.push(await evaluateSplit((x) => this.net.forward(x, a, 'eval'), part));
      return out;
    } finally {
      if (part !== val) {
        part.x.dispose();
        part.y.dispose();
      }
    }
  }

  dispose(): void {
    this.boardCache?.x.dispose();
    this.boardCache?.p.dispose();
    this.boardCache = null;
    this.board.dispose();
    this.meta.dispose();
    this.opt.dispose();
    this.valBatch.x.dispose();
    this.valBatch.y.dispose();
    this.net.dispose();
  }
}

/**
 * The look-ahead behind M's update, on the device:
 *   g = ∇_w KD(student(xs), teacher(xs)),  w′ = w − η·ρ·g,  L = CE(student_{w′}(x_val), y_val),
 *   dL/dρ = −η · ⟨∇_{w′} L, g⟩.
 * The path's weights are restored before it returns. Exported for the tests.
 */
export function lookaheadGradient(
  net: BlockNetwork,
  arch: BlockArch,
  vars: tf.Variable[],
  meta: MetaMatchingNetwork,
  diff: tf.Tensor2D,
  xs: tf.Tensor4D,
  teacher: BlockArch,
  val: { x: tf.Tensor4D; y: tf.Tensor1D },
  lr: number,
): { lookahead: tf.Scalar; dLossDRho: tf.Scalar; rhoBefore: tf.Scalar } {
  const rhoBefore = meta.rho(diff);
  const soft = tf.tidy(() => tf.softmax(net.forward(xs, teacher, 'train')));
  const { value: kd, grads: g } = tf.variableGrads(() => softCrossEntropy(net.forward(xs, arch, 'train'), soft), vars);
  kd.dispose();
  soft.dispose();
  const saved = vars.map((v) => tf.clone(v));
  try {
    tf.tidy(() => {
      const step = tf.mul(rhoBefore, lr);
      for (const v of vars) if (g[v.name]) v.assign(tf.sub(v, tf.mul(g[v.name], step)));
    });
    const { value: lookahead, grads: h } = tf.variableGrads(() => crossEntropy(net.forward(val.x, arch, 'train'), val.y), vars);
    const dLossDRho = tf.tidy(() => tf.mul(-lr, sumInOrder(vars.filter((v) => g[v.name] && h[v.name]).map((v) => tf.sum(tf.mul(h[v.name], g[v.name]))))) as tf.Scalar);
    for (const t of Object.values(h)) t.dispose();
    return { lookahead, dLossDRho, rhoBefore };
  } finally {
    vars.forEach((v, i) => v.assign(saved[i]));
    saved.forEach((t) => t.dispose());
    for (const t of Object.values(g)) t.dispose();
  }
}
