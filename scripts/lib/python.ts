import { spawnSync } from 'node:child_process';

/**
 * The Python interpreters worth trying, in order: $PYTHON, the one on the PATH, then Debian's own
 * (python3-torch installs into /usr/lib/python3, which a pyenv or venv python3 earlier on the PATH
 * does not see).
 */
const candidates = () => [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
const runs = (exe: string, code: string) => spawnSync(exe, ['-c', code]).status === 0;

/** The first Python that imports torch and numpy, or undefined when none does. */
export function findTorchPython(): string | undefined {
  return candidates().find((exe) => runs(exe, 'import torch, numpy'));
}

/** The first Python that runs at all, or undefined (prefer findTorchPython's when there is one). */
export function findAnyPython(): string | undefined {
  return candidates().find((exe) => runs(exe, 'pass'));
}
