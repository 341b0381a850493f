import { formatInt } from '../../format';
import * as d3 from 'd3';
import { Axis } from '../benchmark/Axis';
import type { DnaModel } from './dnaState';

const W = 640;
const H = 170;
const M = { left: 44, right: 44, top: 12, bottom: 30 };

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
  const x = d3.scaleLinear().domain([0, Math.max(1, rows[rows.length - 1].step + 1)]).range([M.left, W - M.right]);
  const yAcc = d3.scaleLinear().domain([0, 100]).range([H - M.bottom, M.top]);
  const yLoss = d3.scaleLinear().domain([0, d3.max(rows, (r) => r.loss) ?? 1]).range([H - M.bottom, M.top]).nice();
  const acc = d3.line<(typeof rows)[number]>().x((r) => x(r.step)).y((r) => yAcc(100 * r.acc))(rows) ?? '';
  const loss = d3.line<(typeof rows)[number]>().x((r) => x(r.step)).y((r) => yLoss(r.loss))(rows) ?? '';
  return (
    <svg className="dna-chart chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="The teacher's training: loss and accuracy per step, validation accuracy per epoch" data-testid="dna-teacher-curve" data-count={rows.length}>
      <Axis scale={x} orient="bottom" at={H - M.bottom} ticks={8} format={d3.format('d')} />
      <Axis scale={yAcc} orient="left" at={M.left} ticks={5} />
      <text className="axis-title" x={M.left + 4} y={M.top + 2}>
        accuracy % (train batch: line; validation: dots)
      </text>
      <text className="axis-title" x={W - M.right} y={H - 4} textAnchor="end">
        teacher training step
      </text>
      <path d={loss} stroke="#9aa0a6" strokeWidth={1.2} fill="none" />
      <path d={acc} stroke="#2f5fd0" strokeWidth={1.5} fill="none" />
      {model.teacherEpochs.map((e) => (
        <circle key={e.epoch} cx={x(e.step)} cy={yAcc(e.valAcc)} r={4} fill="#d95f02">
          <title>{`epoch ${e.epoch}: validation ${e.valAcc.toFixed(2)}%`}</title>
        </circle>
      ))}
      <text x={W - M.right + 4} y={M.top + 10} className="dna-small" fill="#9aa0a6">
        loss
      </text>
    </svg>
  );
}
