import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The engine's layers point one way (docs/architecture.md):
 *
 *   core → data → spaces → nn → evaluate → methods → export → run.ts
 *
 * A module may import from its own layer or a lower one, never a higher one; a method's folder
 * never imports another method's folder; nothing in the engine imports the page, the worker or
 * the CLI. Type-only imports count: they are dependencies all the same.
 */
const LAYERS = ['core', 'data', 'spaces', 'nn', 'evaluate', 'methods', 'export', 'run.ts'] as const;
const ENGINE = path.resolve(__dirname, '..', 'src', 'engine');

/**
 * Upward imports that exist today and are owed to the method contract (issue #12): the run
 * config still carries the NB-201 op list and the dataset id, and the event union still knows the
 * block space's JSON and the data's preprocessing. The list may only shrink: an entry that no
 * longer exists fails the test, so it is removed when the import is.
 */
const KNOWN: string[] = [];

type Files = Record<string, string>;

function engineFiles(dir = ENGINE, out: Files = {}): Files {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) engineFiles(full, out);
    else if (/\.tsx?$/.test(name)) out[path.relative(ENGINE, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
  }
  return out;
}

const layerOf = (rel: string) => LAYERS.indexOf((rel.includes('/') ? rel.split('/')[0] : rel) as (typeof LAYERS)[number]);
const methodOf = (rel: string) => (rel.startsWith('methods/') && rel.split('/').length > 2 ? rel.split('/')[1] : null);

/** Every import that breaks the rules, as "from → to" with paths relative to src/engine (no extension). */
export function layerViolations(files: Files): string[] {
  const out: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      if (target.startsWith('..')) {
        out.push(`${rel} → ${target} (outside the engine)`);
        continue;
      }
      const to = layerOf(target.endsWith('run') && !target.includes('/') ? 'run.ts' : target);
      const from = layerOf(rel);
      if (to > from) out.push(`${rel} → ${target}`);
      const [a, b] = [methodOf(rel), methodOf(target)];
      if (a && b && a !== b) out.push(`${rel} → ${target} (another method)`);
    }
  }
  return out.sort();
}

describe('engine layers', () => {
  it('every engine file belongs to a layer', () => {
    for (const rel of Object.keys(engineFiles())) expect(layerOf(rel), rel).toBeGreaterThanOrEqual(0);
  });

  it('no import points up a layer, across methods or out of the engine, beyond the known debts', () => {
    const found = layerViolations(engineFiles());
    expect(found.filter((v) => !KNOWN.includes(v))).toEqual([]);
    // The debts are still real: once one is paid, its entry goes.
    for (const k of KNOWN) expect(found, k).toContain(k);
  });

  it('the check catches an upward import, a cross-method import and one out of the engine', () => {
    const files: Files = {
      'core/rng.ts': "import type { Dataset } from '../data/datasets';\n",
      'methods/nao/index.ts': "import { dnaSettingsOf } from '../dna/settings';\nimport { kendallTau } from '../../core/metrics';\n",
      'nn/params.ts': "import { useRunStore } from '../../app/store';\n",
      'evaluate/table.ts': "import type {\n  Cost,\n} from '../core/cost';\n",
    };
    expect(layerViolations(files)).toEqual(['core/rng.ts → data/datasets', 'methods/nao/index.ts → methods/dna/settings (another method)', 'nn/params.ts → ../app/store (outside the engine)']);
  });
  it("zod loads only through core/schema.ts, which sets it jitless (the page's CSP refuses eval)", () => {
    const src = path.resolve(__dirname, '..', 'src');
    const all: Files = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name)) all[path.relative(src, full)] = readFileSync(full, 'utf8');
      }
    };
    walk(src);
    const direct = Object.entries(all).filter(([rel, text]) => rel !== path.join('engine', 'core', 'schema.ts') && /from\s+'zod(\/[^']*)?'/.test(text));
    expect(direct.map(([rel]) => rel)).toEqual([]);
    expect(Object.keys(all).length).toBeGreaterThan(50);
  });
});
