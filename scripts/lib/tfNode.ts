import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from '../../src/cli/nodeIo';
import { installFastCpuKernels } from '../../src/engine/nn/cpuKernels';

/** tfjs on Node as the CLI sets it up: the CPU backend with the project's faster CPU kernels. */
export async function setupNodeTf(): Promise<void> {
  // tfjs prints a banner recommending tfjs-node through console.log on first use; it cannot be installed here.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) return;
    log(...args);
  };
  try {
    await useCpuBackend();
    installFastCpuKernels();
    tf.tidy(() => tf.zeros([1]).add(1)); // trigger the banner inside the filter
  } finally {
    console.log = log;
  }
}

/** One line naming the machine and the software, for provenance and benchmark reports. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`;
}

export function softwareLine(): string {
  return `tfjs ${tf.version.tfjs} (${tf.getBackend()} backend), Node ${process.version}`;
}

export function fmtSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  // Round first, so 719.6 s reads 12 min 0 s, not 11 min 60 s.
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  return m < 120 ? `${m} min ${whole - 60 * m} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
