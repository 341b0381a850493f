import { formatInt } from '../../format';
import { useCallback, useMemo, useState } from 'react';
import type { RunEvent } from '../../../engine/core/events';
import { BlockLosses } from './BlockLosses';
import { BudgetSearch } from './BudgetSearch';
import { CandidateScores } from './CandidateScores';
import { allRated, foldDna } from './dnaState';
import { DnaResult } from './DnaResult';
import { FeatureMaps } from './FeatureMaps';
import { TeacherPanel } from './TeacherPanel';
import './dna.css';

export interface DnaViewProps {
  /** The run's `method` events (others are ignored). */
  events: readonly RunEvent[];
}

/**
 * DNA, live: the teacher, each student block learning its teacher block (loss curves, feature
 * maps), every candidate path's rating, the budgeted search over all combinations (re-solved on
 * the page as the budget slider moves), and the chosen architecture against its teacher.
 */
export function DnaView({ events }: DnaViewProps) {
  const model = useMemo(() => foldDna(events), [events]);
  const [sliderChoice, setSliderChoice] = useState<string[] | null>(null);
  const onChoice = useCallback((arch: string[] | null) => setSliderChoice(arch), []);
  const setup = model.setup;
  if (!setup) return <p className="muted">Waiting for the first DNA event…</p>;
  const runChoice = model.search?.exact?.arch.split('|') ?? null;
  const rated = allRated(model);
  return (
    <div className="dna" data-testid="dna-view">
      <p className="dna-summary">
        {setup.summary}; the search picks one path per block within{' '}
        <strong>
          {formatInt(setup.limit)} {setup.metric === 'params' ? 'parameters' : 'FLOPs'}
        </strong>
        .
      </p>
      <section className="dna-section">
        <h3>1 · The teacher</h3>
        <TeacherPanel model={model} />
      </section>
      <section className="dna-section">
        <h3>2 · Student blocks learning their teacher blocks</h3>
        <BlockLosses model={model} />
        <p className="hint">
          Each block’s student supernet learns to turn the teacher’s feature before the block into the teacher’s feature after it ({setup.stepsPerBlock} steps per block, {setup.schedule}); then every
          path of every block is rated.
        </p>
        <FeatureMaps model={model} />
      </section>
      <section className="dna-section">
        <h3>3 · Every candidate rated</h3>
        <p className="hint">Score = mean |student − teacher| / std(teacher) on held-out images, BatchNorm recalibrated first; lower is better. Filled: the path the budget below picks.</p>
        <CandidateScores model={model} chosen={sliderChoice ?? runChoice} />
      </section>
      <section className="dna-section">
        <h3>4 · The budgeted search</h3>
        {rated ? <BudgetSearch model={model} onChoice={onChoice} /> : <p className="muted">Runs once every block is rated.</p>}
      </section>
      <section className="dna-section">
        <h3>5 · The result</h3>
        {model.search ? <DnaResult model={model} /> : <p className="muted">The chosen architecture appears after the search.</p>}
      </section>
    </div>
  );
}
