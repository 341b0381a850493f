import { isTableEvent } from '../../engine/evaluate/table';
import { formatCount, formatScore, metricLabel } from '../format';
import { CellGraph } from '../graphs/CellGraph';
import { scoreLabel } from '../charts/ScoreChart';
import { ArchChain } from './cream/ArchChain';
import { useFinal, useMethodEvents, useRunStart } from '../store';

/** The run's answer, shown large: the found cell, its held-out numbers and how they were obtained. */
export function FinalResult() {
  const final = useFinal();
  const runStart = useRunStart();
  const methodEvents = useMethodEvents();
  if (!final) return null;
  const config = runStart?.config;
  const m = final.metrics;
  const table = config?.evaluator === 'table';
  const headline = table
    ? { label: `${config!.table.reportColumn} (from the table)`, value: m.reported ?? m[config!.table.reportColumn] }
    : Number.isFinite(m.testAcc)
      ? { label: 'test accuracy', value: m.testAcc }
      : { label: 'search score (no final retrain)', value: final.score };
  const tableInfo = methodEvents.find(isTableEvent)?.data;
  const regret = table && tableInfo?.optimum && Number.isFinite(headline.value) ? tableInfo.optimum.value - headline.value : null;
  const rest = Object.entries(m).filter(([k]) => k !== 'testAcc' && k !== 'reported');

  return (
    <section className="panel final-result" data-testid="final-result" aria-labelledby="final-title">
      <h2 id="final-title">{final.candidateIndex < 0 ? 'Trained architecture' : 'Found architecture'}</h2>
      <div className="card-body">
        <div className="final-numbers">
          <p className="headline">
            <span className="headline-value" data-testid="final-test-acc">
              {formatScore(headline.value)}
              {table ? '' : ' %'}
            </span>
            <span className="headline-label">{headline.label}</span>
          </p>
          {regret !== null && <p className="regret">regret {formatScore(regret)} below the best cell in the table</p>}
          <p className="arch-string">{final.arch.arch}</p>
          <dl className="metrics">
            <dt>picked</dt>
            <dd>{final.candidateIndex < 0 ? 'given (an imported architecture, trained without a search)' : `candidate #${final.candidateIndex}, search score ${formatScore(final.score)}${config ? ` (${scoreLabel(config)})` : ''}`}</dd>
            <dt>params</dt>
            <dd>{formatCount(final.cost.params)}</dd>
            <dt>FLOPs</dt>
            <dd>{formatCount(final.cost.flops)}</dd>
            {rest.map(([k, v]) => (
              <Pair key={k} k={metricLabel(k, config?.method)} v={formatScore(v, Math.abs(v) >= 100 ? 1 : 3)} />
            ))}
            <dt>recipe</dt>
            <dd className="recipe">{final.recipe}</dd>
          </dl>
        </div>
        {final.arch.space === 'nb201' ? (
          <CellGraph arch={final.arch.arch} testId="final-cell-graph" title="the found cell" />
        ) : (
          <ArchChain arch={final.arch.arch} width={300} height={60} testId="final-block-graph" title="the found block chain" />
        )}
      </div>
    </section>
  );
}

function Pair({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}
