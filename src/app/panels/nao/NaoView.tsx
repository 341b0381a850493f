import { useMemo, useState } from 'react';
import type { RunEvent } from '../../../engine/core/events';
import type { NaoSettings } from '../../../engine/methods/nao/settings';
import { CellGraph } from '../../graphs/CellGraph';
import { EmbeddingChart, type Inspect } from './EmbeddingChart';
import { drawableRounds, firstChange, foldNao, type NaoModel, type NaoRound } from './naoState';
import { fmt, holdoutTauText } from './parts';
import { PoolPanel } from './PoolPanel';
import { PredictorPanel } from './PredictorPanel';
import './nao.css';

/**
 * NAO, live: the continuous space with the predictor's landscape and the seeds' paths, the
 * predictor's quality on cells it never saw, the pool round by round, and the method's known
 * weak points spelled out. Everything is derived from the run's `method` events, so a replayed
 * log draws the same picture.
 */
export interface NaoViewProps {
  /** The run's `method` events (others are ignored). */
  events: readonly RunEvent[];
}

const MODE_TEXT = {
  table: 'tabular NAO: every new cell is looked up in the benchmark table (exact scores, one query each)',
  ws: 'NAO-WS: one shared supernet, trained on cells drawn from the pool and re-scoring the pool every round',
  fixed: 'NAO with short standalone training as the score',
} as const;

export function NaoView({ events }: NaoViewProps) {
  const model = useMemo(() => foldNao(events), [events]);
  const rounds = drawableRounds(model);
  const [pinned, setPinned] = useState<number | null>(null);
  const [inspect, setInspect] = useState<Inspect | null>(null);
  const round = (pinned !== null ? rounds.find((r) => r.iteration === pinned) : undefined) ?? rounds[rounds.length - 1];
  const latestPool = model.pools[model.pools.length - 1];

  if (!model.plan) return <p className="muted">Waiting for the first NAO event…</p>;
  const { plan } = model;
  const best = latestPool?.best;
  const shown: Inspect | null =
    inspect ?? (best ? { title: `best so far: #${best.candidateIndex}`, arch: best.arch, lines: [`score ${fmt(best.score)}`, best.iterationAdded === 0 ? 'from the initial random pool' : `found in round ${best.iterationAdded}`] } : null);
  return (
    <div className="nao" data-testid="nao-view">
      <p className="nao-summary" data-testid="nao-summary">
        {MODE_TEXT[plan.mode]}. The budget of {plan.budget} pays for {plan.plannedRounds} round{plan.plannedRounds === 1 ? '' : 's'}. {latestPool ? `Pool: ${latestPool.size} cells after round ${latestPool.iteration}; ${latestPool.evaluationsUsed} of ${plan.budget} evaluations used.` : 'Evaluating the initial random pool…'}{' '}
        {best && (
          <>
            Best so far: <strong>#{best.candidateIndex}</strong> at {fmt(best.score)}.
          </>
        )}
      </p>
      {rounds.length > 1 && (
        <label className="nao-round-picker">
          <span>
            Round shown: {round?.iteration} of {rounds.length}
          </span>
          <input type="range" min={1} max={rounds[rounds.length - 1].iteration} value={round?.iteration ?? 1} onChange={(e) => setPinned(Number(e.target.value) === rounds[rounds.length - 1].iteration ? null : Number(e.target.value))} data-testid="nao-round" />
          {pinned !== null && (
            <button type="button" onClick={() => setPinned(null)}>
              follow the latest
            </button>
          )}
        </label>
      )}
      {round ? (
        <>
          <div className="nao-space">
            <EmbeddingChart round={round} onInspect={setInspect} />
            <aside className="nao-inspector" data-testid="nao-inspector">
              {shown ? (
                <>
                  <p className="nao-inspector-title">{shown.title}</p>
                  <CellGraph arch={shown.arch} testId="nao-inspected-cell" title={shown.arch} />
                  <code className="arch-string">{shown.arch}</code>
                  <ul>
                    {shown.lines.map((l, k) => (
                      <li key={k}>{l}</li>
                    ))}
                  </ul>
                </>
              ) : (
                <p className="muted">Hover a point or a mark on a path to see its cell.</p>
              )}
            </aside>
          </div>
          <RoundStory round={round} settings={plan.settings} />
        </>
      ) : (
        <p className="muted">The embedding appears once the encoder–predictor–decoder has trained on the initial pool.</p>
      )}
      <WeakPoints model={model} round={round} />
      <h3>The predictor</h3>
      <PredictorPanel model={model} round={round} />
      <h3>The pool</h3>
      <PoolPanel pools={model.pools} />
      <Settings model={model} />
    </div>
  );
}

function RoundStory({ round, settings }: { round: NaoRound; settings: NaoSettings }) {
  const e = round.embedding!;
  const g = round.generation;
  return (
    <p className="nao-story" data-testid="nao-story">
      <strong>Round {round.iteration}.</strong> Trained on {e.points.length} cells ({e.trainingCells} sequences with augmentation) for {round.iteration === 1 ? `${settings.epochs} epochs from scratch` : `${settings.warmEpochs} epochs from the previous round’s weights`}; scores {fmt(e.scoreRange[0])}–{fmt(e.scoreRange[1])} become targets 0–1 {settings.targets === 'rank' ? 'by their rank in the pool' : 'linearly (min–max)'}.{' '}
      {g ? (
        <>
          Moved the top {g.trajectories.length} along ∂f/∂h<sub>t</sub> for η = {settings.etaStep}, {2 * settings.etaStep}, … up to {g.etaReached}: {g.accepted.length} of {g.quota} new cells{' '}
          {g.stoppedBecause === 'eta-cap' ? <em>(η hit its cap of {settings.etaMax} first)</em> : '(quota met)'}.
        </>
      ) : (
        'Moving the seeds…'
      )}
    </p>
  );
}

function WeakPoints({ model, round }: { model: NaoModel; round: NaoRound | undefined }) {
  const g = round?.generation;
  const latest = model.pools[model.pools.length - 1];
  const changes = g ? firstChange(g) : [];
  const never = changes.filter((c) => c === null).length;
  const firstEta = g?.trajectories[0]?.steps[0]?.eta;
  const gaps = g?.accepted.map((a) => a.predictedAtMove - a.predicted) ?? [];
  const meanGap = gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN;
  const fromInitial = model.summary ? model.summary.fromInitialPool : latest ? latest.best.iterationAdded === 0 : undefined;
  return (
    <div className="nao-weak" data-testid="nao-weak-points">
      <h3>Known weak points, as they happen</h3>
      <ul>
        {g && firstEta !== undefined && (
          <li data-testid="nao-weak-small-eta">
            <strong>Small η mostly reproduces the seed:</strong> at η = {firstEta}, {g.reproducedSeedByEta[0]} of {g.trajectories.length} seeds decoded back to themselves
            {never > 0 ? `; ${never} never changed up to η = ${g.etaReached}` : ''}. Greedy decoding snaps small moves back to the nearest known cell.
          </li>
        )}
        {g && gaps.length > 0 && (
          <li>
            <strong>The promise of the move:</strong> the moved points were predicted {fmt(meanGap)} higher on average than the cells they decoded to, once those cells were encoded afresh.
          </li>
        )}
        {round?.holdout && (
          <li>
            <strong>Ranking cells it never saw:</strong> Kendall τ {holdoutTauText(round.holdout)} on this round’s {round.holdout.points.length} new cells (the 95 % interval in brackets: few cells, wide interval), against {fmt(round.embedding?.fit.tau)} on its own training pool.
          </li>
        )}
        {fromInitial !== undefined && latest && (
          <li data-testid="nao-weak-initial">
            <strong>Where the pick came from:</strong>{' '}
            {fromInitial ? (
              <>
                the best cell so far, #{latest.best.candidateIndex}, is from the <em>initial random pool</em> — no cell NAO generated has beaten it (an independent study found this is often so).
              </>
            ) : (
              <>
                the best cell so far, #{latest.best.candidateIndex}, was generated by NAO in round {latest.best.iterationAdded}; the best of the initial pool scores {fmt(latest.bestInitial.score)}.
              </>
            )}
          </li>
        )}
        {model.plan?.mode === 'ws' && (
          <li>
            <strong>Noisy scores:</strong> with shared weights a cell’s score moves from round to round as the supernet trains; the predictor learns from those moving targets.
          </li>
        )}
      </ul>
    </div>
  );
}

function Settings({ model }: { model: NaoModel }) {
  const plan = model.plan!;
  const keys = Object.keys(plan.settings) as (keyof NaoSettings)[];
  const wsOnly = (k: string) => k.startsWith('ws');
  return (
    <details className="nao-settings" data-testid="nao-settings">
      <summary>Settings of this run</summary>
      <dl>
        {keys
          .filter((k) => plan.mode === 'ws' || !wsOnly(k))
          .map((k) => (
            <div key={k}>
              <dt>
                {k} = <code>{String(plan.settings[k])}</code>
              </dt>
              <dd>{plan.help[k]}</dd>
            </div>
          ))}
      </dl>
      <p className="hint">
        Space: {plan.ops.length} ops, vocabulary {plan.vocab} (token 0 = start). Augmentation: {plan.augmentation}
      </p>
    </details>
  );
}
