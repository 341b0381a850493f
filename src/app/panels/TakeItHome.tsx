import { useRef } from 'react';
import { formatInt } from '../format';
import { useModelExport } from '../modelExport';
import { configOf } from '../runState';
import { useRunStore } from '../store';
import { checkExportedModel, requestModelExport } from '../workerClient';
import { download } from './ExportImport';

/** The formats on offer: what each file holds and three lines that load it. */
const FORMATS = [
  {
    id: 'json',
    title: 'Architecture JSON',
    holds: 'the found architecture, its scores and cost, the run’s settings (and its event log): the button above',
    snippet: ["import json", "f = json.load(open('nas-….json'))", "print(f['arch'], f['cost'])"],
  },
  {
    id: 'tfjs',
    title: 'TensorFlow.js model',
    holds: 'model.json (the layers) + model.weights.bin (the retrained weights): predicts as the playground does',
    snippet: ["import * as tf from '@tensorflow/tfjs';", "const model = await tf.loadLayersModel('model.json');", 'const logits = model.predict(images); // [N, H, W, C], standardised'],
  },
  {
    id: 'pytorch',
    title: 'PyTorch code',
    holds: 'model.py: the network as an nn.Module, and a loader for the TensorFlow.js weights',
    snippet: ['from model import Net, load_tfjs_weights', "net = load_tfjs_weights(Net(), 'model.json').eval()", 'logits = net(images)  # [N, C, H, W]'],
  },
  {
    id: 'keras',
    title: 'Keras code',
    holds: 'model_keras.py: the same layers as a Keras model, to train at full scale',
    snippet: ['from model_keras import build_model', 'model = build_model()', "model.compile('sgd', 'sparse_categorical_crossentropy')"],
  },
] as const;

/**
 * Why the run on screen has no model to export, or null when it has one. Weights exist only for a
 * run whose final phase retrained its pick in this page's worker.
 */
function whyNoModel(): string | null {
  const s = useRunStore.getState();
  const kept = useModelExport.getState().retrained;
  if (kept && kept.runId === s.runId && !s.replay) return null;
  const final = s.source.final;
  const config = configOf(s.source);
  if (!final) return 'Available once a run has retrained its winner (the final phase).';
  if (config?.evaluator === 'table' && final.arch.space === 'nb201') return 'The table evaluator looks scores up and trains nothing: there are no weights. Train the architecture (import its JSON, then Train) to get a model.';
  if (final.recipe.startsWith('final retrain disabled')) return 'The final retrain was off for this run, so no network was trained from scratch.';
  return 'Only a run trained in this page keeps its weights: a replayed, restored or imported run has none. Train it again to get a model.';
}

/** Sidebar part of Save & share: the model formats, their downloads, and a check of an exported model in the worker. */
export function TakeItHome() {
  // Re-rendered on the run's result and the worker's answers; the reason is read from both.
  useRunStore((s) => s.source.final);
  useRunStore((s) => s.replay);
  const runId = useRunStore((s) => s.runId);
  const { retrained, files, pending, check, exportError } = useModelExport();
  const why = whyNoModel();
  const input = useRef<HTMLInputElement>(null);
  const mine = files && files.runId === runId ? files.files : null;
  const myCheck = check && check.runId === runId ? check : null;

  const save = (id: (typeof FORMATS)[number]['id']) => {
    if (!mine) return;
    if (id === 'tfjs') {
      download(mine.modelJson, 'model.json');
      download(new Blob([mine.weights], { type: 'application/octet-stream' }), 'model.weights.bin');
    } else if (id === 'pytorch') download(mine.pytorch, 'model.py', 'text/x-python');
    else if (id === 'keras') download(mine.keras, 'model_keras.py', 'text/x-python');
  };

  const onCheck = (list: FileList | null) => {
    if (list && list.length > 0) checkExportedModel([...list]);
    if (input.current) input.current.value = '';
  };

  return (
    <div className="take-home" data-testid="take-home">
      <h3>Take it home</h3>
      {why ? (
        <p className="hint" data-testid="model-unavailable">
          {why}
        </p>
      ) : (
        <p className="hint">
          The retrained {retrained?.space === 'blocks' ? 'block chain' : 'cell network'} <span className="arch-string">{retrained?.arch}</span>
          {mine ? `: ${formatInt(mine.params)} parameters.` : '.'}
        </p>
      )}
      {!why && !mine && (
        <button data-testid="model-prepare" onClick={requestModelExport} disabled={pending === 'export'}>
          {pending === 'export' ? 'Preparing the model files…' : 'Prepare the model files'}
        </button>
      )}
      {exportError && (
        <p className="error" role="alert">
          Model export failed: {exportError}
        </p>
      )}
      <ul className="formats">
        {FORMATS.map((f) => (
          <li key={f.id} data-testid={`format-${f.id}`}>
            <strong>{f.title}</strong> — {f.holds}
            <pre>
              <code>{f.snippet.join('\n')}</code>
            </pre>
            {f.id !== 'json' && (
              <button data-testid={`download-${f.id}`} disabled={!mine} onClick={() => save(f.id)} title={why ?? (mine ? `Download the ${f.title}` : 'Prepare the model files first')}>
                Download {f.id === 'tfjs' ? 'model.json + weights' : f.id === 'pytorch' ? 'model.py' : 'model_keras.py'}
              </button>
            )}
          </li>
        ))}
      </ul>
      <label className="field">
        <span className="field-label">Check an exported model</span>
        <input ref={input} data-testid="model-check-input" type="file" multiple accept=".json,.bin" disabled={!!why || pending === 'check'} onChange={(e) => onCheck(e.target.files)} />
        <span className="hint">Pick model.json and its weights file: they are loaded with tf.loadLayersModel in the worker and compared with this run’s network on every test image.</span>
      </label>
      {myCheck?.result && (
        <p data-testid="model-check-result" data-max-abs-diff={myCheck.result.maxAbsDiff}>
          Loaded: max |Δ| of the logits {myCheck.result.maxAbsDiff.toExponential(1)} over {formatInt(myCheck.result.images)} test images; same class on {formatInt(myCheck.result.sameClass)}.
        </p>
      )}
      {myCheck?.error && (
        <p className="error" role="alert" data-testid="model-check-error">
          The model could not be checked: {myCheck.error}
        </p>
      )}
    </div>
  );
}
