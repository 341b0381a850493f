import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, helpText, loadCliInputs, parseCliArgs } from '../src/cli/options';
import { checkConfig, withDefaults } from '../src/engine/core/config';
import { METHOD_CATALOG } from '../src/engine/methods/catalog';

/**
 * The command line's errors (issue #12, "CLI"): every bad option names the option and what it
 * allows, exits with 2 and shows no JavaScript error, and nothing heavy loads before the options
 * are checked. Most cases call the option parser in-process; a few run the real CLI.
 */
const ROOT = path.resolve(__dirname, '..');
const METHODS = METHOD_CATALOG.map((m) => m.id).join(', ');
const tmp = mkdtempSync(path.join(tmpdir(), 'nas-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const A = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';

/** What the CLI would print and exit with for `argv`, up to the point where the engine loads. */
async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const command = parseCliArgs(argv);
    if (!command.help) await loadCliInputs(command.options);
    return { code: 0, stderr: '' };
  } catch (err) {
    return describeFailure(err);
  }
}
const refused = async (argv: string[], stderr: string) => expect(await cli(...argv)).toEqual({ code: 2, stderr: `error: ${stderr}\n` });

/** The real CLI, as `npm run search` starts it. */
function spawnCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/search.ts', ...argv], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

describe('--method', () => {
  it('an unknown method is refused listing every method of the catalog', async () => {
    await refused(['--method', 'foo'], `--method must be one of ${METHODS} (got "foo")`);
    expect(METHODS).toBe('random, evolution, nao, dna, cream');
  });

  it('the real CLI refuses it before loading anything: all five methods, exit 2, no stack', async () => {
    const r = await spawnCli('--method', 'foo', '--budget', '5');
    console.log(`npm run search -- --method foo: exit ${r.code} after ${r.ms} ms`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --method must be one of random, evolution, nao, dna, cream (got "foo")\n');
    expect(r.stdout).toBe('');
  });

  it('nothing the option parser imports reaches TensorFlow.js, and search.ts loads the engine only after it', () => {
    // Walks the value imports (not `import type`) from src/cli/options.ts.
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) {
        const spec = m[1];
        if (!spec.startsWith('.')) packages.add(spec);
        else {
          const base = path.resolve(path.dirname(file), spec);
          const candidates = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
          const hit = candidates.find((c) => {
            try {
              readFileSync(c);
              return true;
            } catch {
              return false;
            }
          });
          if (!hit) throw new Error(`cannot resolve ${spec} from ${file}`);
          visit(hit);
        }
      }
    };
    visit(path.join(ROOT, 'src', 'cli', 'options.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect([...packages].filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
    const staticImports = (file: string) => [...readFileSync(path.join(ROOT, 'src', 'cli', file), 'utf8').matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]).sort();
    expect(staticImports('search.ts')).toEqual(['./main', './options']);
    expect(staticImports('main.ts')).toEqual(['./options', 'node:fs/promises', 'node:path']);
  });
});

describe('--budget -5 and other negative-looking values', () => {
  it('a negative value is read as a value (not "argument is ambiguous") and refused by its range', async () => {
    await refused(['--budget', '-5'], '--budget must be an integer ≥ 1 and ≤ 100000 (got "-5")');
    await refused(['--budget=-5'], '--budget must be an integer ≥ 1 and ≤ 100000 (got "-5")');
  });

  it('a negative seed is allowed, as the page allows it', async () => {
    const c = parseCliArgs(['--seed', '-3']);
    expect(!c.help && c.options.config.seed).toBe(-3);
  });

  it('the real CLI says the same with exit 2', async () => {
    const r = await spawnCli('--budget', '-5');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --budget must be an integer ≥ 1 and ≤ 100000 (got "-5")\n');
  });
});

describe('unknown options and stray arguments', () => {
  it('an unknown option is named, with the nearest real one and --help', async () => {
    await refused(['--bugdet', '5'], 'unknown option --bugdet (did you mean --budget?); npm run search -- --help lists the options');
    await refused(['--frobnicate'], 'unknown option --frobnicate; npm run search -- --help lists the options');
    await refused(['--constructor', '1'], 'unknown option --constructor; npm run search -- --help lists the options');
  });

  it('a stray argument, a missing value, a value on a switch, an option given twice', async () => {
    await refused(['random'], 'unexpected argument "random": options are written --name value; npm run search -- --help lists them');
    await refused(['--budget'], '--budget needs a value: an integer ≥ 1 and ≤ 100000');
    await refused(['--budget', '--seed', '3'], '--budget needs a value: an integer ≥ 1 and ≤ 100000');
    await refused(['--quiet=yes'], '--quiet takes no value (got "yes")');
    await refused(['--seed', '1', '--seed', '2'], '--seed is given twice');
  });
});

describe('--method-settings', () => {
  const ms = (json: string, message: string) => refused(['--method-settings', json], `--method-settings: ${message}`);

  it('null and a list are not settings', async () => {
    await ms('null', 'method settings must be an object keyed by method, such as {"evolution":{"populationSize":20}}, not null');
    await ms('[]', 'method settings must be an object keyed by method, such as {"evolution":{"populationSize":20}}, not a list');
    await refused(['--method-settings', '{"nao":'], '--method-settings is not valid JSON (Unexpected end of JSON input)');
  });

  it('prototype keys are refused at any depth, and Object.prototype is untouched', async () => {
    await ms('{"nao":{"constructor":1}}', 'the key "nao.constructor" is not allowed (__proto__, constructor, prototype reach an object\'s prototype)');
    await ms('{"__proto__":{}}', 'the key "__proto__" is not allowed (__proto__, constructor, prototype reach an object\'s prototype)');
    await ms('{"dna":{"stages":[{"prototype":{}}]},"cream":{"__proto__":{"polluted":1}}}', 'the key "cream.__proto__" is not allowed (__proto__, constructor, prototype reach an object\'s prototype); the key "dna.stages[0].prototype" is not allowed (__proto__, constructor, prototype reach an object\'s prototype)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a misspelt method name is refused listing the methods', async () => {
    await ms('{"nao0":{}}', `unknown method "nao0" (methods: ${METHODS})`);
  });

  it("each method's section goes through that method's own check", async () => {
    await ms('{"nao":{"lrr":0.1}}', 'NAO settings: unknown setting "lrr"');
    await ms('{"nao":5}', '"nao" must be an object of nao\'s settings, not 5');
    await ms('{"evolution":{"populationSise":3}}', 'evolution: unknown setting "populationSise" (settings: populationSize, sampleSize)');
    await ms('{"dna":{"teacher":null}}', 'DNA setting "teacher" must be an object, not null');
    await ms('{"cream":{"stages":[null]}}', 'Cream setting "stages[0]" must be an object, not null');
    await ms('{"cream":{"board":{"size":0}}}', 'board size must be an integer ≥ 1 (got 0)');
    await ms('{"random":{"x":1}}', 'unknown random search setting "x"');
    const ok = parseCliArgs(['--method', 'evolution', '--method-settings', '{"evolution":{"populationSize":20}}']);
    expect(!ok.help && ok.options.config.methodSettings).toEqual({ evolution: { populationSize: 20 } });
  });
});

describe('--out is checked before the run', () => {
  it('a missing folder', async () => {
    const dir = path.join(tmp, 'no-such-folder');
    await refused(['--out', path.join(dir, 'run.json')], `--out: the folder "${dir}" does not exist`);
  });

  it('a path that is a folder', async () => {
    await refused(['--out', tmp], `--out: "${tmp}" is a folder; give a file name, such as "${path.join(tmp, 'run.json')}"`);
  });

  it('a file in an existing folder passes', async () => {
    expect(await cli('--out', path.join(tmp, 'run.json'))).toEqual({ code: 0, stderr: '' });
  });
});

describe('integers name the option and the range checkConfig enforces', () => {
  it.each([
    ['--budget', '1.5', 'an integer ≥ 1 and ≤ 100000'],
    ['--seed', 'abc', 'an integer ≥ -9007199254740991 and ≤ 9007199254740991'],
    ['--steps', '1e9', 'an integer ≥ 0 and ≤ 1000000'],
    ['--budget', '1e15', 'an integer ≥ 1 and ≤ 100000'],
    ['--budget', '1000000000000000', 'an integer ≥ 1 and ≤ 100000'],
    ['--batch', '1', 'an integer ≥ 2 and ≤ 4096'],
    ['--final-epochs', '0x10', 'an integer ≥ 1 and ≤ 1000'],
  ])('%s %s', async (option, value, range) => {
    await refused([option, value], `${option} must be ${range} (got "${value}")`);
  });

  it('the page gets the same bounds: checkConfig refuses an absurd budget', () => {
    expect(checkConfig(withDefaults({ budget: 1e15 }))).toEqual(['budget must be an integer ≥ 1 and ≤ 100000 (got 1000000000000000)']);
    expect(checkConfig(withDefaults({ budget: 100_000 }))).toEqual([]);
  });
});

describe('--table', () => {
  it('a missing file', async () => {
    const file = path.join(tmp, 'missing.csv');
    await refused(['--evaluator', 'table', '--table', file], `--table "${file}": there is no such file`);
  });

  it('a table over the size limit is refused before it is read', async () => {
    const file = path.join(tmp, 'huge.csv');
    writeFileSync(file, Buffer.alloc(9 * 2 ** 20, 'a'));
    await refused(['--evaluator', 'table', '--table', file], '--table: huge.csv is 9.0 MB; a benchmark table may be at most 8.0 MB');
  });

  it('a malformed table: the file name, the line and the CSV message', async () => {
    const file = path.join(tmp, 'dup.csv');
    writeFileSync(file, `arch,val_acc,val_acc\n${A},1,2\n`);
    await refused(['--evaluator', 'table', '--table', file], '--table: dup.csv, line 1: the header names column "val_acc" twice (columns 2 and 3)');
  });

  it('the real CLI: a bad number in a table, exit 2', async () => {
    const file = path.join(tmp, 'hex.csv');
    writeFileSync(file, `# note\narch,val_acc,test_acc\n${A},0x10,2\n`);
    const r = await spawnCli('--evaluator', 'table', '--table', file, '--search-column', 'val_acc', '--report-column', 'test_acc');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --table: hex.csv, line 3: column "val_acc" holds "0x10", not a number (field 2; numbers are decimal, such as 91.25 or 1.5e-3)\n');
  });

  it('a column the table lacks names --search-column or --report-column', async () => {
    const file = path.join(tmp, 'ok.csv');
    writeFileSync(file, `arch,val_acc,test_acc\n${A},1,2\n`);
    await refused(['--evaluator', 'table', '--table', file], '--search-column: ok.csv has no column "c10_valid_acc" (columns: val_acc, test_acc)');
    await refused(['--evaluator', 'table', '--table', file, '--search-column', 'val_acc'], '--report-column: ok.csv has no column "c10_test_acc" (columns: val_acc, test_acc)');
    await refused(['--evaluator', 'table'], '--evaluator table needs --table <file.csv>');
  });

  it('a table saved with a BOM and CRLF, provenance first, loads in the CLI', async () => {
    const file = path.join(tmp, 'excel.csv');
    writeFileSync(file, `\uFEFF# recipe: test\r\narch,val_acc,test_acc\r\n${A},1,2\r\n`);
    const command = parseCliArgs(['--evaluator', 'table', '--table', file, '--search-column', 'val_acc', '--report-column', 'test_acc']);
    expect(command.help).toBe(false);
    if (command.help) return;
    const { table } = await loadCliInputs(command.options);
    expect(table?.provenance).toEqual(['recipe: test']);
    expect(table?.rows.get(A)).toEqual({ val_acc: 1, test_acc: 2 });
  });
});

describe('--help', () => {
  it('lists every option the parser accepts, every method and the ranges', async () => {
    const text = helpText();
    for (const m of METHOD_CATALOG) expect(text).toContain(m.id);
    expect(text).toContain('--budget <n>');
    expect(text).toContain('an integer ≥ 1 and ≤ 100000; default 30');
    const listed = [...text.matchAll(/--([a-z-]+)/g)].map((m) => m[1]);
    for (const option of new Set(listed)) {
      // Every option --help names is one the parser knows (its error would be "unknown option").
      expect((await cli(`--${option}`)).stderr).not.toMatch(/unknown option/);
    }
    expect(text).not.toContain('"population"'); // the old example named a setting evolution does not have
  });

  it('the real CLI prints it with exit 0, whatever else is on the line', async () => {
    const r = await spawnCli('--help', '--method', 'foo');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(helpText());
  });
});
