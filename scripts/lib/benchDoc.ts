/**
 * docs/benchmarks.md is shared: `npm run bench` owns the blocks between
 * `<!-- bench:begin ID -->` and `<!-- bench:end ID -->`; the Playwright side owns the
 * `<!-- e2e:begin ID -->` … `<!-- e2e:end ID -->` blocks. Each writer replaces only its own
 * blocks, so neither erases the other's measurements.
 */

/** Column layout of the throughput tables, shared by the Node rows (bench.ts) and the browser rows (bench-browser.spec.ts). */
export const THROUGHPUT_HEADER = ['where', 'backend', 'model · batch', 'steps / s', 'ms / step', 'images / s', 'machine'];

export function mdTable(header: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}

/** The same table as aligned plain text, for the console. */
export function textTable(header: string[], rows: (string | number)[][]): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
  const fmt = (r: string[]) => r.map((c, i) => pad(c, widths[i])).join('  ').trimEnd();
  return [fmt(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

const begin = (owner: string, id: string) => `<!-- ${owner}:begin ${id} -->`;
const end = (owner: string, id: string) => `<!-- ${owner}:end ${id} -->`;

export function block(owner: string, id: string, body: string): string {
  return `${begin(owner, id)}\n${body.trim()}\n${end(owner, id)}`;
}

export const DOC_TEMPLATE = `# Benchmarks

What the playground's searches and evaluators achieve, measured. Sections marked *bench* are
rewritten by \`npm run bench\` (scripts/bench.ts, Node, tfjs CPU backend); sections marked *e2e*
are filled by the Playwright measurements in the browser. Every number below was measured by the
command named beside it; none is typed in by hand.

${block('bench', 'header', '_Not run yet: `npm run bench`._')}

## 1. Search efficiency

${block('bench', 'search-efficiency', '_Not run yet._')}

## 2. Ranking quality

${block('bench', 'ranking', '_Not run yet._')}

### Block space (DNA, Cream)

${block('bench', 'ranking-blocks', '_Not run yet._')}

## 3. Throughput

### Node (tfjs CPU backend)

${block('bench', 'throughput-node', '_Not run yet._')}

### In the browser (Chromium via Playwright)

${block('e2e', 'throughput-browser', '_Filled by the Playwright measurement._')}

### Against PyTorch (the same step)

${block('bench', 'peer', '_Not run yet: `npm run bench -- --only peer`._')}

### Where the project's step spends its time (per kernel)

${block('bench', 'peer-profile', '_Not run yet: `npm run bench -- --only peer`._')}

## 4. Responsiveness

${block('e2e', 'responsiveness', '_Filled by the Playwright measurement._')}

### Timeline scrubbing

${block('e2e', 'scrub', '_Filled by the Playwright measurement._')}

### Cold start

${block('e2e', 'cold-start', '_Filled by the Playwright measurement._')}
`;

/**
 * Replaces the blocks of `owner` in `doc` (the bench template when there is no doc yet); blocks of
 * other owners are left as they are. A block the doc lacks is appended.
 */
export function updateDoc(doc: string | null, blocks: Record<string, string>, owner = 'bench'): string {
  let out = doc ?? DOC_TEMPLATE;
  for (const [id, body] of Object.entries(blocks)) {
    const b = begin(owner, id);
    const e = end(owner, id);
    const i = out.indexOf(b);
    const j = out.indexOf(e);
    if (i < 0 || j < i) {
      out = `${out.trimEnd()}\n\n${block(owner, id, body)}\n`;
      continue;
    }
    out = `${out.slice(0, i)}${block(owner, id, body)}${out.slice(j + e.length)}`;
  }
  return out;
}
