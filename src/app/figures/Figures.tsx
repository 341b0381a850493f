import { useState } from 'react';
import { download } from '../panels/ExportImport';
import { figureCsv, figurePng, type FigureSource, figureSvg, figuresIn } from './figure';
import { runReportHtml } from './report';

const fileName = (title: string, ext: string) => `nas-playground-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart'}.${ext}`;

/**
 * "Figures for slides": the charts on screen, each as SVG, PNG at 2× and — where it is drawn from
 * the run's own series — its data as CSV. The list is taken when asked for, as the page stands
 * (a held timeline exports the moment on screen).
 */
export function Figures() {
  const [list, setList] = useState<FigureSource[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = (f: () => Promise<void> | void) => async () => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="panel figures" aria-labelledby="figures-title" data-testid="figures">
      <h2 id="figures-title">Figures for slides</h2>
      <button type="button" data-testid="figures-list" onClick={() => setList(figuresIn(document.querySelector('main') ?? document))}>
        {list ? 'List the charts again' : 'List the charts on screen'}
      </button>
      <button type="button" className="link" data-testid="run-report" onClick={act(() => download(runReportHtml(figuresIn(document.querySelector('main') ?? document)), 'nas-playground-report.html', 'text/html'))}>
        One-page run report (HTML)
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p className="muted">No chart on screen yet: start or open a run.</p>}
      {list && list.length > 0 && (
        <ul className="figure-list">
          {list.map((f, i) => {
            const csv = figureCsv(f.id);
            return (
              <li key={i} data-testid="figure-item" data-figure={f.id ?? ''}>
                <span className="figure-title">{f.title}</span>{' '}
                <button type="button" className="link" data-testid="figure-svg" onClick={act(() => download(figureSvg(f), fileName(f.title, 'svg'), 'image/svg+xml'))}>
                  SVG
                </button>{' '}
                <button type="button" className="link" data-testid="figure-png" onClick={act(async () => download(await figurePng(f), fileName(f.title, 'png')))}>
                  PNG 2×
                </button>
                {csv !== null && (
                  <>
                    {' '}
                    <button type="button" className="link" data-testid="figure-csv" onClick={act(() => download(figureCsv(f.id) ?? '', fileName(f.title, 'csv'), 'text/csv'))}>
                      CSV
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
