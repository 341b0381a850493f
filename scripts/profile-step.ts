/**
 * One training step's kernels (issue #16): for the supernet step on random paths and on the
 * all-nor_conv_3x3 path, and for one DNA student step, the number of kernels per step, the sum of
 * their times under tf.profile against the step's wall time (the gap is tfjs's per-op overhead:
 * dispatch, tensor bookkeeping, the tape, dispose), the unprofiled step's wall and CPU time, and
 * the top kernels by time and by count.
 *
 *   npx tsx --import ./scripts/tfjs-es2017.mjs scripts/profile-step.ts [--steps 10]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import { withDefaults } from '../src/engine/core/config';
import { Rng } from '../src/engine/core/rng';
import { CellNetwork } from '../src/engine/nn/cellNetwork';
import { BlockNetwork } from '../src/engine/nn/blockNetwork';
import { PathAdam } from '../src/engine/nn/blocks/optim';
import { defaultMacro } from '../src/engine/nn/macro';
import { PathSgd } from '../src/engine/nn/optim';
import { crossEntropy, DeviceData, l2 } from '../src/engine/nn/trainer';
import { blockArchCost, blockInputShapes, blockPaths, defaultBlockSpace, formatBlockArch } from '../src/engine/spaces/blocks';
import { NB201_EDGES, NB201_OPS, type Nb201Cell, sampleCell } from '../src/engine/spaces/nb201';
import { setupNodeTf } from './lib/tfNode';
import { BLOCK_TRUTHS, blockTruthSample, blockTruthSpace } from './lib/blockTruth';
import { archClassifier } from '../src/engine/methods/dna/final';
import { RunningStatsUpdater } from '../src/engine/nn/params';
import { BatchSampler } from '../src/engine/data/datasets';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '10' }, only: { type: 'string' }, plain: { type: 'string' } } });
const STEPS = Number(values.steps);

interface Report { kernels: number; kernelMs: number; profiledWallMs: number; wallMs: number; cpuMs: number; byName: Map<string, { ms: number; n: number }> }

async function measure(step: (i: number) => void, steps: number): Promise<Report> {
  for (let i = 0; i < 3; i++) step(i);
  if (values.plain) {
    // Unprofiled steps only (for node --cpu-prof).
    const n = Number(values.plain);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) step(i);
    console.log(`${n} plain steps: ${((performance.now() - t0) / n).toFixed(1)} ms/step`);
    return { kernels: 0, kernelMs: 0, profiledWallMs: 0, wallMs: 0, cpuMs: 0, byName: new Map() };
  }
  const byName = new Map<string, { ms: number; n: number }>();
  let kernels = 0;
  let kernelMs = 0;
  let profiledWallMs = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(() => step(i));
    profiledWallMs += performance.now() - t0;
    kernels += info.kernels.length;
    for (const k of info.kernels) {
      const ms = k.kernelTimeMs as number;
      kernelMs += ms;
      const e = byName.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += ms;
      e.n++;
      byName.set(k.name, e);
    }
  }
  const n0 = tf.memory().numTensors;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps * 2; i++) step(i);
  const wallMs = (performance.now() - t0) / (steps * 2);
  const cpu = process.cpuUsage(cpu0);
  if (tf.memory().numTensors < n0) throw new Error(`tensors leaked: ${n0} → ${tf.memory().numTensors}`);
  for (const e of byName.values()) { e.ms /= steps; e.n /= steps; }
  return { kernels: kernels / steps, kernelMs: kernelMs / steps, profiledWallMs: profiledWallMs / steps, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 / (steps * 2), byName };
}

function print(title: string, r: Report): void {
  console.log(`\n## ${title}`);
  console.log(`kernels/step ${r.kernels.toFixed(0)}; kernel time ${r.kernelMs.toFixed(1)} ms; wall under profiler ${r.profiledWallMs.toFixed(1)} ms; unprofiled wall ${r.wallMs.toFixed(1)} ms, CPU ${r.cpuMs.toFixed(1)} ms; non-kernel ${(r.wallMs - r.kernelMs).toFixed(1)} ms (${((100 * (r.wallMs - r.kernelMs)) / r.wallMs).toFixed(0)} % of unprofiled wall)`);
  const e = [...r.byName.entries()];
  console.log('by time: ' + e.sort((a, b) => b[1].ms - a[1].ms).slice(0, 15).map(([n, v]) => `${n} ${v.ms.toFixed(2)}ms×${v.n.toFixed(0)}`).join(', '));
  console.log('by count: ' + e.sort((a, b) => b[1].n - a[1].n).slice(0, 15).map(([n, v]) => `${n} ${v.n.toFixed(0)} (${v.ms.toFixed(2)}ms)`).join(', '));
}

async function main(): Promise<void> {
  await setupNodeTf();
  console.log(`load ${os.loadavg()[0].toFixed(1)}`);
  const dataset = await loadDatasetFromDisk('digits');
  const s = withDefaults({ dataset: 'digits', evaluator: 'supernet' }).supernet;
  for (const kind of ['random', 'conv3x3'] as const) {
    if (values.only && values.only !== kind) continue;
    const net = new CellNetwork(defaultMacro('digits'), new Rng(1).fork('profile/init'), 'batch');
    for (const op of NB201_OPS) net.pathVariables({ ops: NB201_EDGES.map(() => op) });
    const opt = new PathSgd(s.lr, s.momentum);
    const data = new DeviceData(dataset);
    const { x, y } = data.train.head(s.batchSize);
    const rng = new Rng(1).fork('profile/paths');
    const cells: Nb201Cell[] = Array.from({ length: 200 }, () => (kind === 'random' ? sampleCell(rng) : { ops: NB201_EDGES.map(() => 'nor_conv_3x3' as const) }));
    const step = (i: number) => {
      const cell = cells[i % cells.length];
      const vars = net.pathVariables(cell);
      opt.minimize(() => tf.add(crossEntropy(net.forward(x, cell, 'train'), y), l2(vars, s.weightDecay)) as tf.Scalar, vars).dispose();
    };
    print(`supernet step, ${kind}`, await measure(step, STEPS));
    x.dispose(); y.dispose(); data.dispose(); opt.dispose(); net.dispose();
  }
  if (!values.only || values.only === 'student') {
    const space = defaultBlockSpace('digits');
    const b = 1;
    const net = new BlockNetwork(space, new Rng(1).fork('profile/student'), 'running');
    const opt = new PathAdam(0.05);
    const rng = new Rng(1).fork('profile/student-data');
    const inShape = blockInputShapes(space)[b];
    const x = tf.tensor4d(rng.normalArray(16 * inShape[0] * inShape[1] * inShape[2], 1), [16, ...inShape]);
    const paths = blockPaths(space, b);
    for (const op of space.ops) net.studentVariables(b, paths[0].map(() => op));
    const outShape = tf.tidy(() => net.student(b, x, paths[0], 'train').shape);
    const target = tf.tensor4d(rng.normalArray(outShape.reduce((p, d) => p * d, 1), 1), outShape as [number, number, number, number]);
    const pr = rng.fork('paths');
    const chosen = Array.from({ length: 200 }, () => pr.choice(paths));
    const step = (i: number) => {
      const ops = chosen[i % chosen.length];
      const vars = net.studentVariables(b, ops);
      opt.minimize(() => tf.losses.meanSquaredError(target, net.student(b, x, ops, 'train')) as tf.Scalar, vars).dispose();
    };
    print('DNA student step, block 2', await measure(step, STEPS * 3));
    x.dispose(); target.dispose(); opt.dispose(); net.dispose();
  }
  if (!values.only || values.only === 'standalone') {
    // What a block truth's build spends its hours on (issue #17): one standalone training step of
    // the Fashion truth's smallest and largest architectures, as trainClassifier takes it.
    const spec = BLOCK_TRUTHS.fashion;
    const space = blockTruthSpace(spec);
    const data = new DeviceData(await loadDatasetFromDisk(spec.dataset));
    const bySize = [...blockTruthSample(spec)].sort((a, b) => blockArchCost(a, space).params - blockArchCost(b, space).params);
    for (const [label, arch] of [['smallest', bySize[0]], ['largest', bySize[bySize.length - 1]]] as const) {
      const net = archClassifier(space, arch, new Rng(1).fork('profile/standalone'));
      const vars = net.variables();
      const opt = new PathSgd(0.05, 0.9);
      const updater = new RunningStatsUpdater(net.store);
      const sampler = new BatchSampler(data.train.n, spec.recipe.batchSize, new Rng(1).fork('profile/batches'));
      const step = () => {
        const { x, y } = data.train.batch(sampler.next());
        opt.minimize(() => tf.add(crossEntropy(net.forward(x, 'train', updater), y), l2(vars, spec.recipe.weightDecay)) as tf.Scalar, vars).dispose();
        updater.apply();
        x.dispose();
        y.dispose();
      };
      print(`standalone step, Fashion truth's ${label} (${formatBlockArch(arch)}, ${blockArchCost(arch, space).params} params, batch ${spec.recipe.batchSize})`, await measure(step, STEPS));
      updater.discard();
      opt.dispose();
      net.dispose();
    }
    data.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
