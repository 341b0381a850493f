import * as tf from '@tensorflow/tfjs';
import type { RunEvent, Untimed } from '../../core/events';
import type { Rng } from '../../core/rng';
import { BatchSampler } from '../../data/datasets';
import { type DeviceData, cosineLr } from '../../nn/trainer';
import { BlockNetwork } from '../../nn/blockNetwork';
import { PathAdam } from '../../nn/blocks/optim';
import type { TeacherNetwork } from '../../nn/blocks/teacher';
import { RunningStatsUpdater } from '../../nn/params';
import { type BlockOp, type BlockSpace, blockPaths, pathCost, pathKey } from '../../spaces/blocks';
import { type BlockLossPoint, type BlockScoresData, type CandidateScore, DNA_METHOD, type DnaEvent, type FeatureMapData } from './events';
import type { DnaSettings } from './settings';

export interface StudentContext {
  emit(e: Untimed<RunEvent>): void;
  checkpoint(): Promise<void>;
}

const method = (e: DnaEvent): Untimed<RunEvent> => ({ type: 'method', method: DNA_METHOD, kind: e.kind, data: e.data });

/** Images whose teacher-vs-student feature maps are shown: the first few held-out images (BN batch statistics need more than one). */
const PROBE_IMAGES = 16;
const PROBE_CHANNELS = 4;

interface BlockState {
  b: number;
  paths: BlockOp[][];
  pathRng: Rng;
  sampler: BatchSampler;
  opt: PathAdam;
  step: number;
}

/**
 * DNA's student supernets, one per block, sharing nothing: block b learns to map the teacher's
 * feature before block b (the image for block 1) to the teacher's feature after it, by MSE, along
 * one uniformly sampled path per step. Each block draws its batches and paths from its own
 * named random stream, so the blocks train the same whatever the schedule — sequential,
 * interleaved, or (in principle) in parallel.
 */
export class StudentSupernets {
  readonly net: BlockNetwork;
  private readonly blocks: BlockState[];
  private pending: { point: Omit<BlockLossPoint, 'loss'>; loss: tf.Scalar }[] = [];
  private probe: { x: tf.Tensor4D } | null = null;

  constructor(
    readonly space: BlockSpace,
    private readonly teacher: TeacherNetwork,
    private readonly data: DeviceData,
    private readonly settings: DnaSettings,
    private readonly rng: Rng,
  ) {
    this.net = new BlockNetwork(space, rng.fork('students/init'), 'running');
    this.blocks = space.stages.map((_, b) => ({
      b,
      paths: blockPaths(space, b),
      pathRng: rng.fork(`students/${b}/paths`),
      sampler: new BatchSampler(data.train.n, settings.students.batchSize, rng.fork(`students/${b}/batches`)),
      opt: new PathAdam(settings.students.lr),
      step: 0,
    }));
    const probe = data.val.head(PROBE_IMAGES);
    probe.y.dispose();
    this.probe = { x: probe.x };
  }

  get stepsPerBlock(): number {
    return this.settings.students.stepsPerBlock;
  }

  /** One training step of block b's supernet along a uniformly sampled path. */
  async step(ctx: StudentContext, b: number): Promise<void> {
    await ctx.checkpoint();
    const st = this.blocks[b];
    const ops = st.pathRng.choice(st.paths);
    const vars = this.net.studentVariables(b, ops);
    const { x, y } = this.data.train.batch(st.sampler.next());
    const [input, target] = tf.tidy(() => {
      const f = this.teacher.features(x, b);
      return [f[b], f[b + 1]];
    });
    st.opt.lr = cosineLr(this.settings.students.lr, st.step, this.stepsPerBlock);
    const loss = st.opt.minimize(() => tf.losses.meanSquaredError(target, this.net.student(b, input, ops, 'train')) as tf.Scalar, vars);
    x.dispose();
    y.dispose();
    input.dispose();
    target.dispose();
    this.pending.push({ point: { block: b, step: st.step, path: pathKey(ops) }, loss });
    st.step++;
    if (this.pending.length >= 10) await this.flush(ctx);
    const every = this.settings.students.featureEvery;
    if (every > 0 && (st.step % every === 0 || st.step === this.stepsPerBlock)) await this.emitFeatureMap(ctx, b, ops, 'training');
  }

  /** Reads the buffered losses back in one go and emits them. */
  async flush(ctx: StudentContext): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const stacked = tf.tidy(() => tf.stack(rows.map((r) => r.loss)));
    const values = await stacked.data();
    stacked.dispose();
    rows.forEach((r) => r.loss.dispose());
    ctx.emit(method({ kind: 'block-loss', data: { points: rows.map((r, i) => ({ ...r.point, loss: values[i] })) } }));
  }

  /** Trains every block for its steps, in the configured schedule; `afterBlock` runs when a block is done (sequential) or all are (interleaved). */
  async train(ctx: StudentContext, afterBlock: (b: number) => Promise<void>): Promise<void> {
    const B = this.blocks.length;
    const total = B * this.stepsPerBlock;
    let done = 0;
    const progress = () => {
      done++;
      if (done % 10 === 0 || done === total) ctx.emit({ type: 'progress', done, total, unit: 'student steps' });
    };
    if (this.settings.students.schedule === 'sequential') {
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < this.stepsPerBlock; i++) {
          await this.step(ctx, b);
          progress();
        }
        await this.flush(ctx);
        await afterBlock(b);
      }
    } else {
      for (let i = 0; i < this.stepsPerBlock; i++) {
        for (let b = 0; b < B; b++) {
          await this.step(ctx, b);
          progress();
        }
      }
      await this.flush(ctx);
      for (let b = 0; b < B; b++) await afterBlock(b);
    }
  }

  /**
   * Scores every path of block b on held-out images: BatchNorm statistics are first recalibrated
   * on a fixed batch of training images (the path's running statistics set to that batch's
   * moments), then the path runs in evaluation mode. Score = mean|ŷ − y| / std(y); MSE and
   * MSE / var(y) are recorded beside it. One read-back per block.
   */
  async rate(ctx: StudentContext, b: number): Promise<BlockScoresData> {
    const { calibration, heldOut } = this.settings.rating;
    const calIdx = calibrationIndices(this.data.train.n, calibration, this.rng.fork('rating/calibration'));
    const cal = this.data.train.batch(calIdx);
    const held = this.data.val.head(heldOut);
    const [calIn, heldIn, heldTarget] = tf.tidy(() => {
      const c = this.teacher.features(cal.x, b);
      const h = this.teacher.features(held.x, b);
      return [c[b], h[b], h[b + 1]];
    });
    cal.x.dispose();
    cal.y.dispose();
    held.x.dispose();
    held.y.dispose();
    const st = this.blocks[b];
    const perPath: tf.Tensor1D[] = [];
    let targetVar: tf.Tensor | null = null;
    try {
      targetVar = tf.tidy(() => tf.moments(heldTarget).variance.reshape([1]));
      for (const ops of st.paths) {
        await ctx.checkpoint();
        this.recalibrate(b, ops, calIn);
        perPath.push(
          tf.tidy(() => {
            const diff = tf.sub(this.net.student(b, heldIn, ops, 'eval'), heldTarget);
            return tf.stack([tf.mean(tf.abs(diff)), tf.mean(tf.square(diff))]) as tf.Tensor1D;
          }),
        );
      }
      const all = tf.tidy(() => tf.concat([targetVar!, ...perPath]));
      const v = await all.data();
      all.dispose();
      const variance = v[0];
      const std = Math.sqrt(variance);
      const candidates: CandidateScore[] = st.paths.map((ops, i) => {
        const mae = v[1 + 2 * i];
        const mse = v[2 + 2 * i];
        return { index: i, key: pathKey(ops), ops, score: mae / std, mse, mseOverVar: mse / variance, cost: pathCost(this.space, b, ops) };
      });
      return { block: b, candidates, heldOut: heldIn.shape[0], calibration: calIn.shape[0], targetStd: std };
    } finally {
      targetVar?.dispose();
      perPath.forEach((t) => t.dispose());
      calIn.dispose();
      heldIn.dispose();
      heldTarget.dispose();
    }
  }

  /** Sets the path's BatchNorm running statistics to the moments of one fixed batch. */
  private recalibrate(b: number, ops: readonly BlockOp[], calIn: tf.Tensor4D): void {
    this.net.studentVariables(b, ops);
    const rec = new RunningStatsUpdater(this.net.store);
    tf.tidy(() => {
      this.net.student(b, calIn, ops, 'train', rec);
    });
    rec.apply(1);
  }

  /**
   * Teacher vs student feature maps of block b for one held-out image. While training, the
   * student uses the step's path with batch statistics over the probe images; once rated, the
   * best path with its recalibrated statistics.
   */
  async emitFeatureMap(ctx: StudentContext, b: number, ops: readonly BlockOp[], stage: FeatureMapData['stage'], calibrate?: tf.Tensor4D): Promise<void> {
    if (calibrate) this.recalibrate(b, ops, calibrate);
    const maps = tf.tidy(() => {
      const f = this.teacher.features(this.probe!.x, b);
      const student = this.net.student(b, f[b], ops, stage === 'rated' ? 'eval' : 'train');
      const pick = (t: tf.Tensor4D) => t.slice([0, 0, 0, 0], [1, -1, -1, Math.min(PROBE_CHANNELS, t.shape[3])]);
      return tf.stack([pick(f[b + 1]), pick(student)]);
    });
    const [, , h, w, c] = maps.shape;
    const v = await maps.data();
    maps.dispose();
    const channel = (which: number, ch: number) => {
      const out: number[] = new Array(h * w);
      for (let i = 0; i < h * w; i++) out[i] = round4(v[which * h * w * c + i * c + ch]);
      return out;
    };
    const channels = Array.from({ length: c }, (_, ch) => ch);
    ctx.emit(
      method({
        kind: 'feature-map',
        data: { block: b, step: this.blocks[b].step, stage, path: pathKey(ops), height: h, width: w, teacher: channels.map((ch) => channel(0, ch)), student: channels.map((ch) => channel(1, ch)), channels },
      }),
    );
  }

  /** The calibration batch's block-b inputs (for the rated feature map). */
  calibrationInput(b: number): tf.Tensor4D {
    const idx = calibrationIndices(this.data.train.n, this.settings.rating.calibration, this.rng.fork('rating/calibration'));
    const cal = this.data.train.batch(idx);
    const input = tf.tidy(() => this.teacher.features(cal.x, b)[b]);
    cal.x.dispose();
    cal.y.dispose();
    return input;
  }

  dispose(): void {
    for (const p of this.pending) p.loss.dispose();
    this.pending = [];
    for (const st of this.blocks) st.opt.dispose();
    this.probe?.x.dispose();
    this.probe = null;
    this.net.dispose();
  }
}

/** The fixed calibration batch: the same training images for every path of every block. */
function calibrationIndices(n: number, size: number, rng: Rng): number[] {
  return rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.min(size, n));
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
