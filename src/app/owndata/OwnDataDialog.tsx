import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { fileLimitText } from '../../engine/core/limits';
import { DEFAULT_USER_SPLIT_SEED, IMAGE_SET_LIMITS, type Channels, type InputSize, type ReadOptions, type UserDataset } from '../../engine/data/userData';
import { changeSetup } from '../panels/RunGuard';
import { chosenFiles, droppedFiles, keepDataset, readInWorker, removeDataset, useOwnData } from './ownData';
import './owndata.css';

/** Whether the dialog is open: the dataset picker opens it. */
export const useOwnDialog = create<{ open: boolean }>()(() => ({ open: false }));
export const openOwnData = () => useOwnDialog.setState({ open: true });

type Chosen = { path: string; file: File }[];
type State = { kind: 'empty' } | { kind: 'reading'; done: number; total: number } | { kind: 'error'; message: string } | { kind: 'read'; dataset: UserDataset };

const THUMBS = 6;

/** A name for the dataset from what was chosen: the zip's or the folder's name. */
function nameOf(files: Chosen): string {
  const first = files[0]?.path ?? '';
  const base = files.length === 1 ? first.replace(/\.[^.]*$/, '') : first.split('/')[0];
  return base.slice(0, IMAGE_SET_LIMITS.nameLength) || 'my images';
}

/**
 * "Your own images": a zip, a folder (chosen or dropped), an IDX pair or a CSV read in a worker
 * into a dataset, previewed per class with counts, then kept in this browser and chosen. A
 * refused upload shows its message and changes nothing.
 */
export function OwnDataDialog() {
  const open = useOwnDialog((s) => s.open);
  const kept = useOwnData((s) => s.list);
  const ref = useRef<HTMLDialogElement>(null);
  const [files, setFiles] = useState<Chosen>([]);
  const [name, setName] = useState('');
  const [size, setSize] = useState<InputSize>(14);
  const [channels, setChannels] = useState<Channels>(1);
  const [seed, setSeed] = useState(String(DEFAULT_USER_SPLIT_SEED));
  const [state, setState] = useState<State>({ kind: 'empty' });
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  // Reads again whenever the files or the options change: the preview always shows what "Use" keeps.
  useEffect(() => {
    if (files.length === 0) return;
    const splitSeed = Number(seed);
    if (!/^\d+$/.test(seed.trim()) || !Number.isSafeInteger(splitSeed)) {
      setState({ kind: 'error', message: `the split seed must be a whole number ≥ 0, not "${seed.slice(0, 20)}"` });
      return;
    }
    const options: ReadOptions = { name: name.trim() === '' ? nameOf(files) : name, size, channels, splitSeed };
    setState({ kind: 'reading', done: 0, total: 0 });
    const job = readInWorker(files, options, (done, total) => setState({ kind: 'reading', done, total }));
    job.done.then(
      (dataset) => setState({ kind: 'read', dataset }),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== 'cancelled') setState({ kind: 'error', message });
      },
    );
    return job.cancel;
  }, [files, name, size, channels, seed]);

  const close = () => useOwnDialog.setState({ open: false });
  const choose = (list: Chosen) => {
    if (list.length === 0) return;
    setName(nameOf(list));
    setFiles(list);
  };
  const use = async () => {
    if (state.kind !== 'read') return;
    setSaving(true);
    try {
      const info = await keepDataset(state.dataset);
      close();
      changeSetup({ dataset: info.id }, 'the dataset');
    } catch (err) {
      setState({ kind: 'error', message: `the dataset could not be kept in this browser (${err instanceof Error ? err.message.slice(0, 60) : String(err)})` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <dialog ref={ref} className="owndata" data-testid="owndata-dialog" aria-labelledby="owndata-title" onCancel={close} onClose={close}>
      {open && (
        <>
          <h2 id="owndata-title">Your own images</h2>
          <p className="hint">
            A zip or a folder with one subfolder of images per class (PNG, JPEG, GIF, BMP, WebP), an IDX pair (images + labels), or a CSV of pixel rows with a <code>label</code> column. Everything is read in this browser; nothing is uploaded anywhere.
          </p>
          <p className="hint" data-testid="owndata-limits">
            Limits: {fileLimitText('images')} in all, {IMAGE_SET_LIMITS.classes.min}–{IMAGE_SET_LIMITS.classes.max} classes, at most {IMAGE_SET_LIMITS.images.toLocaleString('en-US')} images, at least {IMAGE_SET_LIMITS.perClassMin} per class, {IMAGE_SET_LIMITS.imageBytes / 2 ** 20} MB per image. An image that cannot be read is skipped and counted.
          </p>
          <div
            className="owndata-drop"
            data-testid="owndata-drop"
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              void droppedFiles(e.dataTransfer.items).then(choose);
            }}
          >
            <label>
              Zip, IDX pair or CSV <input type="file" data-testid="owndata-file" multiple accept=".zip,.csv,.gz,application/zip,text/csv" onChange={(e) => e.target.files && choose(chosenFiles(e.target.files))} />
            </label>
            <label>
              or a folder <input type="file" data-testid="owndata-folder" {...{ webkitdirectory: '' }} onChange={(e) => e.target.files && choose(chosenFiles(e.target.files))} />
            </label>
            <span className="hint">or drop a folder or a zip here</span>
          </div>
          <div className="owndata-options">
            <label>
              Name <input data-testid="owndata-name" value={name} maxLength={IMAGE_SET_LIMITS.nameLength} onChange={(e) => setName(e.target.value)} />
            </label>
            <label>
              Size
              <select data-testid="owndata-size" value={size} onChange={(e) => setSize(Number(e.target.value) as InputSize)}>
                {IMAGE_SET_LIMITS.sizes.map((s) => (
                  <option key={s} value={s}>
                    {s}×{s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Colour
              <select data-testid="owndata-color" value={channels} onChange={(e) => setChannels(Number(e.target.value) as Channels)}>
                <option value={1}>grayscale</option>
                <option value={3}>RGB</option>
              </select>
            </label>
            <label>
              Split seed <input data-testid="owndata-seed" inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} />
            </label>
          </div>
          {state.kind === 'reading' && (
            <p data-testid="owndata-progress" role="status">
              Reading… {state.total > 0 ? `${state.done} / ${state.total} images` : ''}
            </p>
          )}
          {state.kind === 'error' && (
            <p className="owndata-error" data-testid="owndata-error" role="alert">
              {state.message}
            </p>
          )}
          {state.kind === 'read' && <Preview d={state.dataset} />}
          {kept.length > 0 && (
            <details className="owndata-kept">
              <summary>Kept in this browser ({kept.length})</summary>
              <ul>
                {kept.map((k) => (
                  <li key={k.id}>
                    {k.title}{' '}
                    <button type="button" onClick={() => void removeDataset(k.id)} aria-label={`Delete ${k.user?.name ?? k.id} from this browser`}>
                      Delete
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          )}
          <div className="buttons">
            <button type="button" className="primary" data-testid="owndata-use" disabled={state.kind !== 'read' || saving} onClick={() => void use()}>
              Use these images
            </button>
            <button type="button" data-testid="owndata-cancel" onClick={close}>
              Cancel
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

function Preview({ d }: { d: UserDataset }) {
  const max = Math.max(...d.counts);
  const min = Math.min(...d.counts);
  const big = d.classes[d.counts.indexOf(max)];
  const small = d.classes[d.counts.indexOf(min)];
  const per = d.size * d.size * d.channels;
  // The first images of each class, in the order kept (class, then path).
  const starts = d.counts.map((_, c) => d.counts.slice(0, c).reduce((a, b) => a + b, 0));
  return (
    <div className="owndata-preview" data-testid="owndata-preview">
      <p>
        <strong>{d.labels.length.toLocaleString('en-US')} images</strong> in {d.classes.length} classes, {d.size}×{d.size} {d.channels === 1 ? 'grayscale' : 'RGB'} · <span className="hint">SHA-256 {d.contentHash.slice(0, 12)}…</span>
      </p>
      <p data-testid="owndata-balance" className={max >= 1.5 * min ? 'owndata-warn' : 'hint'}>
        {max >= 1.5 * min
          ? `Imbalanced: "${big}" has ${max} images, "${small}" only ${min} (${(max / min).toFixed(1)}×). Accuracy favours the larger classes; a model that always answers "${big}" already scores ${Math.round((100 * max) / d.labels.length)}%.`
          : `Balanced: ${min}–${max} images per class.`}
      </p>
      {(d.corrupt.count > 0 || d.ignored.count > 0) && (
        <p data-testid="owndata-skipped" className="owndata-warn">
          {d.corrupt.count > 0 && `Skipped ${d.corrupt.count} image${d.corrupt.count === 1 ? '' : 's'} that could not be read (${d.corrupt.examples.join(', ')}). `}
          {d.ignored.count > 0 && `Left out ${d.ignored.count} file${d.ignored.count === 1 ? '' : 's'} that ${d.ignored.count === 1 ? 'is' : 'are'} not an image (${d.ignored.examples.join(', ')}).`}
        </p>
      )}
      <ul className="owndata-classes">
        {d.classes.map((c, k) => (
          <li key={c} data-testid={`owndata-class-${k}`}>
            <span className="owndata-class-name">{c}</span> <span data-testid={`owndata-count-${k}`}>{d.counts[k]}</span>
            <span className="owndata-thumbs">
              {Array.from({ length: Math.min(THUMBS, d.counts[k]) }, (_, i) => (
                <Thumb key={i} px={d.pixels.subarray((starts[k] + i) * per, (starts[k] + i + 1) * per)} size={d.size} channels={d.channels} />
              ))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One image as the network sees it (after resizing), drawn into a canvas. */
function Thumb({ px, size, channels }: { px: Uint8Array; size: number; channels: Channels }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      for (let k = 0; k < 3; k++) img.data[4 * i + k] = px[channels === 1 ? i : 3 * i + k];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [px, size, channels]);
  return <canvas ref={ref} width={size} height={size} className="owndata-thumb" aria-hidden="true" />;
}
