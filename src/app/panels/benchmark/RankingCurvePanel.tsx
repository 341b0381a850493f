import { useRankingCurves } from './rankingCurve';
import { RankingCurveChart } from './RankingCurveChart';

/** What the panel says for each space: its summary, and what one of its truth's rows is. */
const SPACE = {
  nb201: { summary: 'How far to trust the supernet’s scores: its ranking of cells trained from scratch, by training steps', unit: 'cell' },
  blocks: { summary: 'How far to trust a weight-sharing supernet on the block space: its ranking of architectures trained from scratch, by training steps', unit: 'architecture' },
} as const;

/**
 * How far to trust weight sharing, as measured by the bench on the shipped truths — the supernet's
 * Kendall τ by training steps. For the NB-201 cell: beside a search whose candidates the supernet
 * scores on the digits, with this run's steps marked. For the block space: beside DNA and Cream,
 * whose claims are made against that one-shot supernet. A damaged file is named in one line.
 */
export function RankingCurvePanel({ space, steps, baseUrl = import.meta.env.BASE_URL }: { space: 'nb201' | 'blocks'; steps: number | null; baseUrl?: string }) {
  const { file, error } = useRankingCurves(baseUrl);
  if (error)
    return (
      <p className="error" role="alert" data-testid="ranking-curves-error">
        {error}
      </p>
    );
  const tables = file?.tables.filter((t) => t.space === space) ?? [];
  if (!file || tables.length === 0) return null;
  const evaluators = [...new Set(tables.map((t) => t.evaluator))];
  const { summary, unit } = SPACE[space];
  return (
    <details className="ranking-curves" data-testid="ranking-curves" data-space={space}>
      <summary>{summary}</summary>
      <RankingCurveChart file={{ ...file, tables }} mark={steps} />
      <p className="hint">
        {evaluators.join(' ')} Each point is Kendall τ of its scores against a truth&rsquo;s <code>{tables[0].truth}</code> (every {unit} trained from
        scratch), averaged over {file.seeds.length} supernet seeds, with the 95 % interval over the {unit}s and the seeds; a dashed line is the truth
        against itself, seed to seed. Measured by <code>{file.command}</code> on {file.generated.slice(0, 10)}.
      </p>
    </details>
  );
}
