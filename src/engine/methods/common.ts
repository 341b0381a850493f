import type { RunContext } from '../core/runLoop';
import type { Evaluation, Evaluator } from '../evaluate/types';
import { formatCell, type Nb201Cell } from '../spaces/nb201';

export interface Candidate {
  index: number;
  cell: Nb201Cell;
  arch: string;
  score: number;
  evaluation: Evaluation;
  origin: string;
}

/**
 * Evaluates candidates against the budget, emits a `candidate` and a `progress` event for each,
 * and keeps the history and the best so far. Every method spends its budget through this.
 */
export class CandidateLog {
  readonly history: Candidate[] = [];
  private readonly seen = new Map<string, Candidate>();
  best: Candidate | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly evaluator: Evaluator<Nb201Cell>,
    readonly budget: number,
  ) {}

  get spent(): number {
    return this.history.length;
  }

  get exhausted(): boolean {
    return this.spent >= this.budget;
  }

  has(cell: Nb201Cell): boolean {
    return this.seen.has(formatCell(cell));
  }

  get(cell: Nb201Cell): Candidate | undefined {
    return this.seen.get(formatCell(cell));
  }

  /** Spends one unit of budget on a cell (a repeat is evaluated again: it still costs a query). */
  async evaluate(cell: Nb201Cell, origin: string): Promise<Candidate> {
    if (this.exhausted) throw new Error('budget exhausted');
    await this.ctx.checkpoint();
    const evaluation = await this.evaluator.evaluate(cell, this.ctx);
    const arch = formatCell(cell);
    const c: Candidate = { index: this.history.length, cell, arch, score: evaluation.score, evaluation, origin };
    this.history.push(c);
    this.seen.set(arch, c);
    if (!this.best || c.score > this.best.score) this.best = c;
    this.ctx.emit({
      type: 'candidate',
      index: c.index,
      arch: { space: 'nb201', arch },
      score: c.score,
      metrics: evaluation.metrics,
      cost: evaluation.cost,
      origin,
    });
    this.ctx.emit({ type: 'progress', done: this.spent, total: this.budget, unit: 'candidates' });
    return c;
  }
}

/** The closing step every method shares: retrain (or look up) the best candidate and report it. */
export async function reportFinal(ctx: RunContext, evaluator: Evaluator<Nb201Cell>, best: Candidate): Promise<void> {
  if (!ctx.config.final.enabled && evaluator.id !== 'table') {
    ctx.emit({ type: 'final', arch: { space: 'nb201', arch: best.arch }, candidateIndex: best.index, score: best.score, metrics: best.evaluation.metrics, cost: best.evaluation.cost, recipe: 'final retrain disabled: search score only' });
    return;
  }
  ctx.emit({
    type: 'phase',
    phase: 'final',
    detail: evaluator.id === 'table' ? `looking up the reported column for ${best.arch}` : `retraining the best candidate (#${best.index}) from scratch for ${ctx.config.final.epochs} epochs`,
  });
  const report = await evaluator.finalize(best.cell, ctx);
  ctx.emit({ type: 'final', arch: { space: 'nb201', arch: best.arch }, candidateIndex: best.index, score: best.score, metrics: report.metrics, cost: report.cost, recipe: report.recipe });
}
