import * as d3 from 'd3';
import { Axis, C, ChartFrame, type LegendItem, useChartWidth } from '../../charts/kit';
import { seriesColor } from '../../graphs/ops';
import { type BlockRankingClaim, type BlockRankingTruth, useBlockRanking } from './blockRanking';

const f2 = (v: number) => v.toFixed(2).replace('-', '−');
const span = (t: { lo: number; hi: number }) => `[${f2(t.lo)}, ${f2(t.hi)}]`;

/** The claim's verdict in words a class can read off a projector. */
function verdictText(c: BlockRankingClaim, t: BlockRankingTruth): string {
  const d = `Δτ ${f2(c.diff)} ${span(c)}`;
  const ceiling = Math.max(...t.ceiling.map((p) => p.tau), -1);
  const noisy = t.ceiling.length > 0 && ceiling < 0.5 ? ` The truth agrees with itself only at τ ${f2(ceiling)} seed to seed, so it cannot tell much here.` : '';
  if (c.verdict === 'holds') return `Holds here: ${d}, the whole interval above 0.`;
  if (c.verdict === 'reversed') return `Reversed here: ${d}, the whole interval below 0 — the other evaluator ranks better.${noisy}`;
  return `Not shown here: ${d} includes 0, so at this scale the two rank alike within the uncertainty.${noisy}`;
}

/**
 * Beside a DNA or Cream run: does the method's central claim hold? The bench's measurement
 * (blockRanking.ts) on each block-space truth — every evaluator's Kendall τ with its 95 % interval
 * (the whisker), the cost proxies, the truth against itself (the shaded band: no evaluator can be
 * expected to rank better than the truth agrees with itself), and the claim as the paired
 * difference in τ, said in words. A damaged file is named in one line.
 */
export function BlockRankingPanel({ method, baseUrl = import.meta.env.BASE_URL }: { method: 'dna' | 'cream'; baseUrl?: string }) {
  const { file, error } = useBlockRanking(baseUrl);
  if (error)
    return (
      <p className="error" role="alert" data-testid="block-ranking-error">
        {error}
      </p>
    );
  const truths = file?.truths.filter((t) => t.claims.some((c) => c.method === method)) ?? [];
  if (!file || truths.length === 0) return null;
  const name = method === 'dna' ? 'DNA' : 'Cream';
  return (
    <details className="ranking-curves" data-testid="block-ranking">
      <summary>Does {name}’s claim hold? Its ranking of architectures trained from scratch, measured</summary>
      {truths.map((t) => {
        const c = t.claims.find((x) => x.method === method)!;
        return (
          <section key={t.id} data-testid="block-ranking-truth" data-truth={t.id}>
            <h3>{t.title}</h3>
            <p data-testid="block-claim" data-verdict={c.verdict} data-diff={c.diff} data-lo={c.lo} data-hi={c.hi}>
              <strong>Claim:</strong> {c.text}. {verdictText(c, t)}
            </p>
            <TauForest truth={t} claim={c} />
            <p className="hint">
              Kendall τ of each evaluator&rsquo;s scores against the test accuracy of {t.archs} architectures each trained from scratch ({f2(t.testRange[0])}–{f2(t.testRange[1])} %), averaged over{' '}
              {file.seeds.length} evaluator seeds, with the 95 % interval over the architectures and the seeds. The band is the truth against itself, seed to seed. {t.provenance}.
            </p>
          </section>
        );
      })}
      <p className="hint">
        Measured by <code>{file.command}</code> on {file.generated.slice(0, 10)} ({file.machine}).
      </p>
    </details>
  );
}

const ROW = 26;
const M = { left: 178, right: 16, top: 24, bottom: 36 };
/** Row labels short enough for the left margin on a projector; the full title is in each dot's tooltip. */
const SHORT: Record<string, string> = {
  'dna-score': 'DNA, block scores',
  'dna-mse': 'DNA, plain MSE',
  'one-shot': 'one-shot supernet',
  'cream-distill': 'Cream, distillation on',
  'cream-plain': 'Cream, distillation off',
  params: 'parameters (no training)',
  flops: 'FLOPs (no training)',
};
const short = (id: string, title: string) => SHORT[id] ?? (title.length > 24 ? `${title.slice(0, 23)}…` : title);

/** One row per evaluator and proxy: τ as a dot, its interval as a whisker; the claim's two evaluators in colour. */
function TauForest({ truth, claim }: { truth: BlockRankingTruth; claim: BlockRankingClaim }) {
  const [box, W] = useChartWidth(560, 'block-ranking');
  const rows = [
    ...truth.evaluators.map((e) => ({ id: e.id, label: e.title, tau: e.tau, lo: e.lo, hi: e.hi, detail: `each seed ${e.perSeed.map(f2).join(', ')}; ${Math.round(e.seconds)} s of training per seed` })),
    ...truth.proxies.map((p) => ({ id: p.id, label: p.title, tau: p.tau, lo: p.lo, hi: p.hi, detail: 'a cost, read off the architecture' })),
  ];
  const H = M.top + rows.length * ROW + M.bottom;
  const x = d3.scaleLinear().domain([-1, 1]).range([M.left, W - M.right]);
  const band = truth.ceiling.length ? { lo: Math.min(...truth.ceiling.map((c) => c.tau)), hi: Math.max(...truth.ceiling.map((c) => c.tau)) } : null;
  const color = (id: string) => (id === claim.better ? seriesColor(0) : id === claim.than ? seriesColor(1) : C.muted);
  const legend: LegendItem[] = [
    { label: `the claim: ${short(claim.better, claim.better)}`, color: seriesColor(0), mark: 'dot' },
    { label: `against: ${short(claim.than, claim.than)}`, color: seriesColor(1), mark: 'dot' },
    ...(band ? [{ label: 'the truth against itself, seed to seed', color: C.grid, mark: 'swatch' as const }] : []),
  ];
  return (
    <ChartFrame boxRef={box} width={W} height={H} legend={legend} svgClass="block-ranking-chart" role="img" aria-label={`Kendall tau of each block-space evaluator against ${truth.title}, with 95 % intervals`} data-testid="block-ranking-chart" data-rows={rows.length}>
      {band && (
        <rect data-testid="block-ranking-ceiling" x={x(band.lo) - 2} width={x(band.hi) - x(band.lo) + 4} y={M.top - 6} height={rows.length * ROW + 6} fill={C.grid} opacity={0.6}>
          <title>{`The truth against itself, seed to seed: ${truth.ceiling.map((c) => `seeds ${c.seeds[0]}–${c.seeds[1]} τ ${f2(c.tau)} ${span(c)}`).join('; ')}`}</title>
        </rect>
      )}
      <line x1={x(0)} x2={x(0)} y1={M.top - 6} y2={H - M.bottom} stroke={C.ink} strokeDasharray="2 3" />
      <Axis scale={x} orient="bottom" at={H - M.bottom} values={[-1, -0.5, 0, 0.5, 1]} />
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        Kendall τ vs the truth
      </text>
      {rows.map((r, i) => {
        const cy = M.top + i * ROW + ROW / 2 - 6;
        return (
          <g key={r.id} data-testid="block-ranking-row" data-id={r.id} data-tau={r.tau}>
            <text x={M.left - 8} y={cy + 4} textAnchor="end" fill={C.ink} fontSize={12}>
              {short(r.id, r.label)}
            </text>
            <line x1={x(r.lo)} x2={x(r.hi)} y1={cy} y2={cy} stroke={color(r.id)} strokeWidth={2} />
            <circle cx={x(r.tau)} cy={cy} r={5} fill={color(r.id)} stroke={C.surface} strokeWidth={1.5}>
              <title>{`${r.label}: τ ${f2(r.tau)} ${span(r)}; ${r.detail}`}</title>
            </circle>
          </g>
        );
      })}
    </ChartFrame>
  );
}
