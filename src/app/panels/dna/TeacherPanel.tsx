import { formatInt } from '../../format';
import * as d3 from 'd3';
import { Axis, C, ChartFrame, useChartWidth } from '../../charts/kit';
import type { DnaModel } from './dnaState';

const H = 180;
const M = { left: 44, right: 16, top: 22, bottom: 36 };

/** The teacher: its accuracy curve when trained live (the run's first phase), or where the shipped one came from. */
export function TeacherPanel({ model }: { model: DnaModel }) {
  const t = model.teacher;
  const training = model.teacherRows.length > 0;
  return (
    <div className="dna-teacher" data-testid="dna-teacher">
      {t ? (
        <>
          <p>
            Teacher ({t.source === 'pretrained' ? 'shipped, pretrained' : 'trained live in this run'}): <strong>{t.testAcc.toFixed(2)}%</strong> test accuracy ({t.valAcc.toFixed(2)}% validation), {formatInt(t.cost.params)} parameters.
          </p>
          {/* The recipe is for the curious: folded, so the student blocks below stay on the first screen. */}
          <details className="dna-teacher-more">
            <summary>its layers{t.source === 'pretrained' ? ' and how it was trained' : ''}</summary>
            Each layer: {t.layer}. {t.source === 'pretrained' ? provenanceLine(t.provenance) : ''}
          </details>
        </>
      ) : (
        <p className="muted">{training ? 'Training the teacher…' : 'Waiting for the teacher…'}</p>
      )}
      {training && <TeacherCurve model={model} />}
    </div>
  );
}

function provenanceLine(p: Record<string, unknown>): string {
  const parts = [p.recipe && `recipe: ${p.recipe}`, p.seed !== undefined && `seed ${p.seed}`, p.date && `trained ${p.date}`, p.command && `by \`${p.command}\``].filter(Boolean);
  return parts.length ? `(${parts.join('; ')})` : '';
}

function TeacherCurve({ model }: { model: DnaModel }) {
  const rows = model.teacherRows;
  const [box, W] = useChartWidth(640);
  const x = d3.scaleLinear().domain([0, Math.max(1, rows[rows.length - 1].step + 1)]).range([M.left, W - M.right]);
  const yAcc = d3.scaleLinear().domain([0, 100]).range([H - M.bottom, M.top]);
  const yLoss = d3.scaleLinear().domain([0, d3.max(rows, (r) => r.loss) ?? 1]).range([H - M.bottom, M.top]).nice();
  const acc = d3.line<(typeof rows)[number]>().x((r) => x(r.step)).y((r) => yAcc(100 * r.acc))(rows) ?? '';
  const loss = d3.line<(typeof rows)[number]>().x((r) => x(r.step)).y((r) => yLoss(r.loss))(rows) ?? '';
  return (
    <ChartFrame
      boxRef={box}
      width={W}
      height={H}
      svgClass="dna-chart"
      legend={[
        { label: 'train-batch accuracy', color: C.primary, mark: 'line' },
        { label: 'validation accuracy per epoch', color: C.highlight, mark: 'dot' },
        { label: 'loss (own scale)', color: C.faint, mark: 'dash' },
      ]}
      role="img" aria-label="The teacher's training: loss and accuracy per step, validation accuracy per epoch" data-testid="dna-teacher-curve" data-count={rows.length}>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
      <Axis scale={yAcc} orient="left" at={M.left} ticks={5} />
      <text className="axis-title" x={M.left + 4} y={M.top + 2}>
        accuracy %
      </text>
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        teacher training step
      </text>
      <path d={loss} stroke={C.faint} strokeWidth={1.5} strokeDasharray="4 3" fill="none" />
      <path d={acc} stroke={C.primary} strokeWidth={1.5} fill="none" />
      {model.teacherEpochs.map((e) => (
        <circle key={e.epoch} cx={x(e.step)} cy={yAcc(e.valAcc)} r={4} fill={C.highlight}>
          <title>{`epoch ${e.epoch}: validation ${e.valAcc.toFixed(2)}%`}</title>
        </circle>
      ))}
    </ChartFrame>
  );
}
