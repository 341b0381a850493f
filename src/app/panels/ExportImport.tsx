import { isTableEvent } from '../../engine/evaluate/table';
import { useRef, useState } from 'react';
import { create } from 'zustand';
import {
  architectureFileName,
  buildArchitectureFileFromLog,
  parseArchitectureFile,
  stringifyArchitectureFile,
  trainRequestOf,
  type ArchitectureFile,
} from '../../engine/export';
import { version as appVersion } from '../../../package.json';
import { formatCount, formatScore, metricLabel, formatInt } from '../format';
import { CellGraph } from '../graphs/CellGraph';
import { ArchChain } from './cream/ArchChain';
import { fileLimitText, fileTooLarge } from '../../engine/core/limits';
import { methodOption } from '../methods';
import { useSettings } from '../settings';
import { useRunStatus, useRunStore } from '../store';
import { replayLog, startRun } from '../workerClient';
import { TakeItHome } from './TakeItHome';

/**
 * The last accepted import and the last refusal. Kept apart from the run and settings stores on
 * purpose: a refused file must change nothing else on the page.
 */
interface ImportState {
  accepted: { name: string; file: ArchitectureFile } | null;
  refused: { name: string; errors: string[] } | null;
  accept(name: string, file: ArchitectureFile): void;
  refuse(name: string, errors: string[]): void;
  dismiss(): void;
}

export const useImport = create<ImportState>()((set) => ({
  accepted: null,
  refused: null,
  accept: (name, file) => set({ accepted: { name, file }, refused: null }),
  refuse: (name, errors) => set({ refused: { name, errors } }),
  dismiss: () => set({ accepted: null, refused: null }),
}));

export function download(data: string | Blob, name: string, type = 'application/json'): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download reads the blob asynchronously; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * An architecture file chosen on the page, checked as every import is: its size before a byte is
 * read, then the export module's validator. The import panel and the Compare view both read files here.
 */
export async function readArchitectureFile(f: File): Promise<{ ok: true; file: ArchitectureFile } | { ok: false; errors: string[] }> {
  // Checked before reading: a huge file would otherwise hold the page while it is parsed.
  const tooLarge = fileTooLarge(f.name, f.size, 'architecture');
  if (tooLarge) return { ok: false, errors: [tooLarge] };
  let text: string;
  try {
    text = await f.text();
  } catch (err) {
    return { ok: false, errors: [`could not read the file: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return parseArchitectureFile(text, f.name);
}

/** Sidebar section: export the found architecture, import one (or a whole run) from a file. */
export function ExportImport() {
  // The whole run's result, wherever the timeline stands.
  const final = useRunStore((s) => s.source.final);
  // Block chains need their structure (widths, strides) in the file; every DNA and Cream final carries it.
  const exportable = !!final && (final.arch.space === 'nb201' || !!final.structure);
  const [includeLog, setIncludeLog] = useState(true);
  const [exportError, setExportError] = useState<string | null>(null);
  const refused = useImport((s) => s.refused);
  const input = useRef<HTMLInputElement>(null);

  const onExport = () => {
    try {
      const log = useRunStore.getState().source.log;
      const t = useSettings.getState().table;
      const tableName = log.find(isTableEvent)?.data;
      const file = buildArchitectureFileFromLog(log, {
        appVersion,
        includeLog,
        table: t && tableName?.name === t.name ? { name: t.name, provenance: t.table.provenance } : undefined,
      });
      download(stringifyArchitectureFile(file), architectureFileName(file));
      setExportError(null);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    }
  };

  const onImport = async (f: File | undefined) => {
    if (!f) return;
    const r = await readArchitectureFile(f);
    if (r.ok) useImport.getState().accept(f.name, r.file);
    else useImport.getState().refuse(f.name, r.errors);
    // Clearing lets the same file be chosen again after it was fixed on disk.
    if (input.current) input.current.value = '';
  };

  return (
    <section className="panel share" aria-labelledby="share-title">
      <h2 id="share-title">Save &amp; share</h2>
      <button
        data-testid="export-button"
        className="primary"
        disabled={!exportable}
        onClick={onExport}
        title={!final ? 'Available once a run has a final result' : exportable ? 'Download the found architecture as JSON' : 'This result carries no block structure (a log recorded by an older version), so it cannot be exported'}
      >
        Export architecture
      </button>
      <label className="check">
        <input type="checkbox" data-testid="export-include-log" checked={includeLog} onChange={(e) => setIncludeLog(e.target.checked)} />
        include the run’s event log (others can replay it)
      </label>
      {exportError && (
        <p className="error" role="alert">
          Export failed: {exportError}
        </p>
      )}
      <TakeItHome />
      <label className="field">
        <span className="field-label">Import an architecture file</span>
        <input ref={input} data-testid="import-input" type="file" accept=".json,application/json" onChange={(e) => void onImport(e.target.files?.[0])} />
        <span className="hint">A file exported here, {fileLimitText('architecture')}. It is checked first; a bad file changes nothing.</span>
      </label>
      {refused && (
        <div className="error" role="alert" data-testid="import-error">
          <strong>{refused.name} was not imported:</strong>
          <ul>
            {refused.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** An accepted import: the cell, its numbers, and what can be done with it. */
export function ImportResult() {
  const accepted = useImport((s) => s.accepted);
  const dismiss = useImport((s) => s.dismiss);
  const speed = useSettings((s) => s.settings.speed);
  const status = useRunStatus();
  if (!accepted) return null;
  const { file, name } = accepted;
  const c = file.config;

  const train = () => {
    // The file's config over the defaults, a table run's cell trained on data (the page holds no
    // table for it), the live speed so the class can watch; a block chain is built from the
    // file's structure. The validator checked this same request, so the run is not refused.
    const { config, trainArch, trainStructure } = trainRequestOf(file, speed);
    startRun(config, { trainArch, trainStructure });
  };

  return (
    <section className="panel import-result" data-testid="import-result" aria-labelledby="import-title">
      <header className="card-header">
        <h2 id="import-title">Imported: {name}</h2>
        <button className="link" onClick={dismiss}>
          close
        </button>
      </header>
      <div className="card-body">
        {file.space === 'blocks' ? (
          <div className="import-chain">
            <ArchChain arch={file.arch} width={240} height={52} testId="import-block-graph" title="Imported block chain" />
            <p className="hint">
              {file.blocks!.blocks.map((b, i) => `block ${i + 1}: ${b.channels} ch, stride ${b.stride}`).join(' · ')} · stem {file.blocks!.stemChannels} ch
            </p>
          </div>
        ) : (
          <CellGraph arch={file.arch} testId="import-cell-graph" />
        )}
        <div>
          <p className="arch-string">{file.arch}</p>
          <dl className="metrics">
            {Object.entries(file.metrics).map(([k, v]) => (
              <FragmentPair key={k} k={metricLabel(k)} v={formatScore(v, Math.abs(v ?? 0) >= 100 ? 1 : 3)} />
            ))}
            <FragmentPair k="params" v={formatCount(file.cost.params)} />
            <FragmentPair k="FLOPs" v={formatCount(file.cost.flops)} />
            <FragmentPair k="found by" v={`${methodOption(c.method).title}, ${c.evaluator} evaluator, budget ${c.budget}, seed ${file.seed}`} />
            <FragmentPair k="data" v={file.dataset.id} />
            <FragmentPair k="backend" v={`${file.backend} · tfjs ${file.versions.tfjs} · app ${file.versions.app}`} />
            <FragmentPair k="created" v={new Date(file.createdAt).toLocaleString()} />
            {file.recipe && <FragmentPair k="recipe" v={file.recipe} />}
          </dl>
          <div className="buttons">
            <button data-testid="import-train-button" className="primary" onClick={train} title={`Retrain this ${file.space === 'blocks' ? 'block chain' : 'cell'} from scratch with the file's settings`}>
              {status === 'running' || status === 'paused' ? 'Stop run and train this architecture' : 'Train this architecture'}
            </button>
            {file.log && file.log.length > 0 && (
              <button data-testid="import-replay-button" onClick={() => replayLog(file.log!)} title="Show the recorded run on the charts, without computing anything">
                Replay its run ({formatInt(file.log.length)} events)
              </button>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}

function FragmentPair({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}
