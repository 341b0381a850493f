import { methodInfo } from '../../engine/methods/catalog';
import { formatDuration, formatScore, metricLabel } from '../format';
import { useRunStore } from '../store';
import { type FigureSource, figureSvg } from './figure';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A one-page report of the run on screen, as a standalone HTML file with no script: what ran (the
 * config), what it found (the final architecture and its metrics) and the charts on screen as
 * inline SVG figures. Built from the same figures as the SVG export, so they look the same.
 */
export function runReportHtml(figures: FigureSource[], now = new Date()): string {
  const { source } = useRunStore.getState();
  const start = source.runStart;
  const c = start?.config;
  const method = c ? methodInfo(c.method) : null;
  const rows: [string, string][] = c
    ? [
        ['method', `${method!.title} (${c.method})`],
        ['dataset', c.dataset],
        ['evaluator', method!.views?.evaluatorUnused ? 'its own (see the method)' : c.evaluator],
        ...(method!.budget !== null ? ([['budget', `${c.budget} — ${method!.budget}`]] as [string, string][]) : []),
        ['seed', String(c.seed)],
        ['backend', start!.backend],
        ['method settings', JSON.stringify(c.methodSettings[c.method] ?? {})],
        ['events', String(source.log.length)],
        ['took', formatDuration(source.lastT)],
      ]
    : [];
  const f = source.final;
  const metrics = f ? Object.entries(f.metrics).filter(([, v]) => Number.isFinite(v)) : [];
  const table = (r: [string, string][]) => `<table>${r.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NAS Playground run report${method ? ` — ${esc(method.title)}` : ''}</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;color:#1d2330}th{text-align:left;padding-right:1rem;vertical-align:top}code{word-break:break-all}figure{margin:1.5rem 0}svg{max-width:100%;height:auto}</style>
</head><body>
<h1>NAS Playground run report</h1>
<p>Written ${esc(now.toISOString())}${source.end ? `; the run ${esc(source.end.status)}` : '; the run had not ended'}.</p>
<h2>What ran</h2>
${c ? table(rows) : '<p>No run on screen.</p>'}
<h2>What it found</h2>
${f ? `<p><code>${esc(f.arch.arch)}</code></p><p>${esc(f.recipe)}</p>${table([['search score', formatScore(f.score)], ...metrics.map(([k, v]) => [metricLabel(k, c?.method), formatScore(v)] as [string, string])])}` : '<p>No final architecture yet.</p>'}
<h2>Charts</h2>
${figures.map((fig) => `<figure>${figureSvg(fig)}</figure>`).join('\n')}
</body></html>
`;
}
