import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetFromDisk } from '../src/cli/nodeIo';
import type { RetrainedNetwork } from '../src/engine/core/formats';
import type { Dataset } from '../src/engine/data/datasets';
import { kerasCode, pytorchCode } from '../src/engine/export/codegen';
import { playgroundForward, WEIGHTS_FILE } from '../src/engine/export/layersModel';
import { exportModel } from '../src/engine/export/modelExport';
import { graphParams, modelGraph } from '../src/engine/export/modelGraph';
import { installFastDepthwiseKernels } from '../src/engine/nn/cpuKernelsDepthwise';
import { nb201Cost } from '../src/engine/nn/macro';
import { DeviceData } from '../src/engine/nn/trainer';
import { blockArchCost, blockArchFromJson } from '../src/engine/spaces/blocks';
import { parseCell } from '../src/engine/spaces/nb201';
import { findAnyPython, findTorchPython } from '../scripts/lib/python';
import { BLOCK_ARCH, CELLS, retrainedBlocks, retrainedCell, small } from './exportHelpers';
import { cpu } from './helpers';

const torchPython = findTorchPython();
const anyPython = torchPython ?? findAnyPython();
const hasPython = anyPython !== undefined;
const hasTorch = torchPython !== undefined;
const python = (args: string[], cwd: string) => spawnSync(torchPython ?? anyPython!, args, { cwd, encoding: 'utf8', timeout: 120_000 });
if (!hasTorch) {
  // Loud on purpose: a skipped check must not pass for a passed one. CI installs Debian's python3-torch (.ci/run).
  console.warn('\n*** test/pytorchExport.test.ts: PyTorch is not installed (python3 -c "import torch" fails): the generated PyTorch code is NOT run. Install python3-torch. ***\n');
}

/** The playground's own parameter count of a retrained network (nb201Cost, or the block chain's cost). */
function playgroundParams(net: RetrainedNetwork): number {
  if (net.space === 'nb201') {
    const c = parseCell(net.arch);
    if (!c.ok) throw new Error(c.reason);
    return nb201Cost(c.cell, net.macro).params;
  }
  const { space, arch } = blockArchFromJson(net.structure);
  return blockArchCost(arch, space).params;
}

describe('generated PyTorch and Keras code', () => {
  let dir: string;
  let fashion: Dataset;
  let data: DeviceData;
  const nets: { label: string; net: RetrainedNetwork }[] = [];

  beforeAll(async () => {
    await cpu();
    installFastDepthwiseKernels();
    dir = mkdtempSync(path.join(tmpdir(), 'nas-export-'));
    // 14×14 images: odd sizes after the first reduction, where 'same' padding is asymmetric.
    fashion = small(await loadDatasetFromDisk('fashion'));
    data = new DeviceData(fashion);
    for (const [i, arch] of CELLS.entries()) nets.push({ label: `NB-201 cell ${i + 1}`, net: await retrainedCell(data, fashion, arch) });
    nets.push({ label: `blocks ${BLOCK_ARCH}`, net: await retrainedBlocks(data, fashion) });
  }, 120_000);

  afterAll(() => {
    data?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the description counts the playground parameters, and both files are valid Python', () => {
    for (const { label, net } of nets) {
      const graph = modelGraph(net);
      expect(graphParams(graph) + graph.deadParams, label).toBe(playgroundParams(net));
      const torchFile = pytorchCode(graph);
      const kerasFile = kerasCode(graph);
      // The Keras file states the count the description gives, and checks its own against it when run.
      expect(kerasFile).toContain(`PARAMS = ${playgroundParams(net) - graph.deadParams}`);
      expect(torchFile).toContain(`PARAMS = ${playgroundParams(net) - graph.deadParams}`);
      if (graph.deadParams > 0) expect(torchFile).toContain(`The playground counts ${playgroundParams(net).toLocaleString('en-US')}`);
      if (!hasPython) continue;
      for (const [name, text] of [['model.py', torchFile], ['model_keras.py', kerasFile]]) {
        writeFileSync(path.join(dir, name), text);
        const r = python(['-m', 'py_compile', name], dir);
        expect(r.status, `${label} ${name}: ${r.stderr}`).toBe(0);
      }
    }
  });

  it.skipIf(!hasTorch)('PyTorch builds the network, counts the same parameters and reproduces the logits within 1e-4', async () => {
    const images = 32;
    for (const { label, net } of nets) {
      const files = await exportModel(net);
      writeFileSync(path.join(dir, 'model.py'), pytorchCode(modelGraph(net)));
      writeFileSync(path.join(dir, 'model.json'), files.modelJson);
      writeFileSync(path.join(dir, WEIGHTS_FILE), new Uint8Array(files.weights));
      const x = data.test.x.slice([0, 0, 0, 0], [images, -1, -1, -1]);
      writeFileSync(path.join(dir, 'x.json'), JSON.stringify(await x.array()));
      const ref = playgroundForward(net);
      const expected = tf.tidy(() => ref.forward(x)).arraySync() as number[][];
      ref.dispose();
      x.dispose();
      const r = python(['model.py', 'model.json', '--inputs', 'x.json'], dir);
      expect(r.status, `${label}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout) as { params: number; logits: number[][] };
      expect(out.params, label).toBe(playgroundParams(net) - modelGraph(net).deadParams);
      expect(out.logits.length).toBe(images);
      let maxAbsDiff = 0;
      out.logits.forEach((row, i) => row.forEach((v, j) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - expected[i][j])))));
      console.log(`${label}: PyTorch vs playground, max |Δ| over ${images} images = ${maxAbsDiff.toExponential(2)}`);
      expect(maxAbsDiff, label).toBeLessThanOrEqual(1e-4);
    }
  }, 300_000);
});
