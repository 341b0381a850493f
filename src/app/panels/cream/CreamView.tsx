import { useMemo } from 'react';
import type { RunEvent } from '../../../engine/core/events';
import { memoByRef } from '../../memo';
import type { BlockOp } from '../../../engine/spaces/blocks';
import { formatCount } from '../../format';
import { ArchChain, OpLegend } from './ArchChain';
import { BoardCards } from './BoardCards';
import { LossCurves, MatchingChart, OpFrequency, PathScatter, RhoChart } from './Charts';
import { type CreamModel, foldCream, lastMatched } from './creamState';
import './cream.css';

/**
 * Cream, live: the prioritized path board as cards, every sampled path in accuracy × FLOPs with
 * the entry rule's region, the matching scores and the chosen teacher, ρ and the meta network's
 * updates, CE / KD / total loss, op frequencies on the board, and the final pick against a random
 * path of similar FLOPs. Everything comes from the run's `method` events.
 */
export interface CreamViewProps {
  /** The run's `method` events up to the moment shown (others are ignored). */
  events: readonly RunEvent[];
  /** The whole run's `method` events (MethodViewProps.whole); `events` when absent. */
  whole?: readonly RunEvent[];
}

export function CreamView({ events, whole }: CreamViewProps) {
  const model = useMemo(() => foldOnce(events), [events]);
  const wholeModel = useMemo(() => (whole === undefined ? null : foldOnce(whole)), [whole]) ?? model;
  if (!model.setup) return <p className="muted">Waiting for the first Cream event…</p>;
  const s = model.setup;
  const last = model.rows[model.rows.length - 1];
  const matched = lastMatched(model);
  return (
    <div className="cream" data-testid="cream-view">
      <Summary model={model} />
      <section className="cream-section">
        <h3>The prioritized path board</h3>
        <BoardCards model={model} teacherId={matched?.teacherId ?? null} />
        <OpLegend ops={s.ops as BlockOp[]} />
        <p className="hint">
          The {s.boardSize} best paths so far, by accuracy on {s.boardMetric === 'val' ? `a fixed validation batch of ${s.valBatch} images, measured right after the path's training step` : 'the path’s own training batch'}. After the warm-up ({s.warmup} steps) a path
          enters if the board is not full, or it beats the worst entry by more than {s.gap} points, or beats it with fewer FLOPs; the board is then sorted and trimmed to {s.boardSize}. Step numbers are
          read back every {s.flushEvery} steps, so the board changes in steps of {s.flushEvery} paths.
        </p>
      </section>
      <div className="cream-grid">
        <section className="cream-section">
          <h3>Every sampled path</h3>
          <PathScatter model={model} />
        </section>
        <section className="cream-section">
          <h3>Op frequency per layer on the board</h3>
          <OpFrequency model={model} />
        </section>
        <section className="cream-section">
          <h3>Meta matching: who teaches the current path</h3>
          <MatchingChart model={model} />
          <p className="hint">
            M is one linear layer over the difference between the student's and the entry's softmax on the {s.matchImages} images stored with each entry. The best-scoring entry teaches; the
            student minimises (ρ·KD + (2−ρ)·CE) / 2.
          </p>
        </section>
        <section className="cream-section">
          <h3>ρ over time</h3>
          <RhoChart model={model} />
          <p className="hint" data-testid="cream-approximation">
            <strong>How M learns</strong> (every {s.metaEvery} distilled steps): {s.lookahead}
          </p>
        </section>
        <section className="cream-section cream-wide">
          <h3>Losses</h3>
          <LossCurves model={model} whole={wholeModel} />
          {last && (
            <p className="hint">
              Step {last.step}: CE {last.ce.toFixed(3)}
              {last.kd !== null ? `, KD ${last.kd.toFixed(3)}, ρ ${last.rho!.toFixed(3)}` : ''}, total {last.loss.toFixed(3)}
              {model.lr !== null ? `, learning rate ${model.lr.toFixed(4)}` : ''}.
            </p>
          )}
        </section>
      </div>
      <FinalPick model={model} />
    </div>
  );
}

/** One fold per log array: following a run, `events` and `whole` are the same array. */
const foldOnce = memoByRef((events: readonly RunEvent[]) => foldCream(events));

function Summary({ model }: { model: CreamModel }) {
  const s = model.setup!;
  const done = model.rows.length;
  const phase = done === 0 ? 'starting' : done < s.warmup ? `warm-up, step ${done} of ${s.warmup} (cross-entropy only)` : done < s.steps ? `step ${done} of ${s.steps}` : 'supernet trained';
  const sampling = s.sampling === 'uniform' ? 'uniformly' : s.sampling === 'prior' ? 'from a fixed op prior' : 'from the board’s op frequencies';
  return (
    <p className="cream-summary" data-testid="cream-summary">
      {s.summary}. One path per step, drawn {sampling}, trains the shared weights. Distillation is <strong>{s.distill ? 'on' : 'off'}</strong>
      {s.distill ? '' : ' (plain one-shot training, SPOS-like: compare its final ranking with a run where it is on)'}. Now: {phase}.
    </p>
  );
}

function FinalPick({ model }: { model: CreamModel }) {
  const f = model.final;
  if (!f) return null;
  const chosen = f.board.find((e) => e.id === f.chosenId);
  return (
    <section className="cream-section cream-result" data-testid="cream-result">
      <h3>The final pick</h3>
      <p>
        The best board entry within {formatCount(f.flopsLimit)} FLOPs{chosen ? ` (board accuracy ${chosen.acc.toFixed(1)}%)` : ''}, {f.recipe ? `retrained from scratch (${f.recipe})` : 'not retrained (final retrain disabled)'}, beside a random path of similar FLOPs ({f.randomRule}).
      </p>
      <table className="cream-final-table">
        <thead>
          <tr>
            <th />
            <th>architecture</th>
            <th>FLOPs</th>
            <th>params</th>
            <th>supernet val % ({f.valImages} images)</th>
            {f.recipe && <th>retrained val %</th>}
            {f.recipe && <th>retrained test %</th>}
          </tr>
        </thead>
        <tbody>
          {f.entries.map((e) => (
            <tr key={e.role} data-role={e.role}>
              <th scope="row">{e.role === 'chosen' ? 'Cream’s pick' : 'random, similar FLOPs'}</th>
              <td>
                <ArchChain arch={e.arch} width={200} height={48} />
                <code className="arch-string">{e.arch}</code>
              </td>
              <td>{formatCount(e.flops)}</td>
              <td>{formatCount(e.params)}</td>
              <td>{e.supernetValAcc.toFixed(1)}</td>
              {f.recipe && <td>{e.valAcc?.toFixed(2) ?? '–'}</td>}
              {f.recipe && <td>{e.testAcc?.toFixed(2) ?? '–'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>The board at the end, re-measured with the final shared weights on {f.valImages} validation images</summary>
        <table className="cream-final-table">
          <thead>
            <tr>
              <th>rank</th>
              <th>architecture</th>
              <th>board acc %</th>
              <th>final val %</th>
              <th>FLOPs</th>
              <th>within budget</th>
            </tr>
          </thead>
          <tbody>
            {f.board.map((e, i) => (
              <tr key={e.id} className={e.id === f.chosenId ? 'cream-chosen-row' : undefined}>
                <td>#{i + 1}</td>
                <td>
                  <code className="arch-string">{e.arch}</code>
                </td>
                <td>{e.acc.toFixed(1)}</td>
                <td>{e.finalValAcc.toFixed(1)}</td>
                <td>{formatCount(e.flops)}</td>
                <td>{e.underBudget ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
