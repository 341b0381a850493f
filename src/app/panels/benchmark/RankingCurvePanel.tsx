import { useRankingCurves } from './rankingCurve';
import { RankingCurveChart } from './RankingCurveChart';

/**
 * Beside a search whose candidates the weight-sharing supernet scores on the digits: how far to
 * trust those scores, as measured by the bench on the shipped truth tables — the supernet's Kendall
 * τ by training steps, with this run's steps marked. A damaged file is named in one line.
 */
export function RankingCurvePanel({ steps, baseUrl = import.meta.env.BASE_URL }: { steps: number | null; baseUrl?: string }) {
  const { file, error } = useRankingCurves(baseUrl);
  if (error)
    return (
      <p className="error" role="alert" data-testid="ranking-curves-error">
        {error}
      </p>
    );
  const tables = file?.tables.filter((t) => t.space === 'nb201') ?? [];
  if (!file || tables.length === 0) return null;
  return (
    <details className="ranking-curves" data-testid="ranking-curves">
      <summary>How far to trust the supernet’s scores: its ranking of cells trained from scratch, by training steps</summary>
      <RankingCurveChart file={{ ...file, tables }} mark={steps} />
      <p className="hint">
        {tables[0].evaluator} Each point is Kendall τ of its scores against a shipped table&rsquo;s <code>{tables[0].truth}</code> (every cell trained from scratch), averaged over {file.seeds.length}{' '}
        supernet seeds, with the 95 % interval over the cells and the seeds; a dashed line is the table against itself, seed to seed. Measured by <code>{file.command}</code> on{' '}
        {file.generated.slice(0, 10)}.
      </p>
    </details>
  );
}
