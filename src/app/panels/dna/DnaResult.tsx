import * as d3 from 'd3';
import type { ReactElement } from 'react';
import type { FinalEntry } from '../../../engine/methods/dna/events';
import { opShort } from './CandidateScores';
import { C } from '../../charts/kit';
import { blockColor, type DnaModel } from './dnaState';

const fmtInt = d3.format(',');

/** The chosen architecture as a block graph, and the final check: retrained from scratch beside the teacher and random architectures of the same budget. */
export function DnaResult({ model }: { model: DnaModel }) {
  const search = model.search;
  if (!search || !model.setup) return null;
  const arch = search.exact?.arch;
  const final = model.final;
  const chosen = final?.entries.find((e) => e.role === 'chosen');
  const teacher = final?.entries.find((e) => e.role === 'teacher');
  const randoms = final?.entries.filter((e) => e.role === 'random') ?? [];
  return (
    <div className="dna-result" data-testid="dna-result" data-arch={arch ?? ''} data-final={final ? 'yes' : 'no'}>
      {arch && (
        // It scrolls sideways where the chain is wider than the panel: focusable, so the keyboard can scroll it too.
        <div className="dna-result-graph" tabIndex={0} role="region" aria-label="the chosen block chain">
          <BlockGraph model={model} arch={arch} />
        </div>
      )}
      {!final && <p className="muted">Retraining the chosen architecture from scratch, beside random architectures of the same budget…</p>}
      {final && chosen && teacher && (
        <>
          <table className="dna-final">
            <thead>
              <tr>
                <th scope="col">network</th>
                <th scope="col">test acc %</th>
                <th scope="col">val acc %</th>
                <th scope="col">params</th>
                <th scope="col">FLOPs</th>
                <th scope="col">summed block score</th>
              </tr>
            </thead>
            <tbody>
              {[chosen, ...randoms, teacher].map((e, i) => (
                <Row key={i} e={e} />
              ))}
            </tbody>
          </table>
          <p className="hint">
            {verdict(chosen, teacher, randoms)} All retrained with: {final.recipe}. Budget {fmtInt(final.limit)} {final.metric === 'params' ? 'parameters' : 'FLOPs'}.
          </p>
        </>
      )}
    </div>
  );
}

function Row({ e }: { e: FinalEntry }) {
  const label = e.role === 'chosen' ? 'DNA’s choice' : e.role === 'teacher' ? 'the teacher' : 'random, same budget';
  return (
    <tr className={`dna-row-${e.role}`}>
      <th scope="row">
        {label}
        {e.role !== 'teacher' && (
          <>
            <br />
            <code className="arch">{e.arch}</code>
          </>
        )}
      </th>
      <td>{e.testAcc.toFixed(2)}</td>
      <td>{e.valAcc.toFixed(2)}</td>
      <td>{fmtInt(e.cost.params)}</td>
      <td>{fmtInt(e.cost.flops)}</td>
      <td>{e.blockScore === undefined ? '–' : e.blockScore.toFixed(4)}</td>
    </tr>
  );
}

function verdict(chosen: FinalEntry, teacher: FinalEntry, randoms: FinalEntry[]): string {
  const vsTeacher = chosen.testAcc >= teacher.testAcc ? `The student matches or beats its teacher (${chosen.testAcc.toFixed(2)}% vs ${teacher.testAcc.toFixed(2)}%).` : `The teacher is ${(teacher.testAcc - chosen.testAcc).toFixed(2)} points ahead.`;
  if (randoms.length === 0) return vsTeacher;
  const mean = randoms.reduce((s, r) => s + r.testAcc, 0) / randoms.length;
  return `${vsTeacher} Random architectures of the same budget average ${mean.toFixed(2)}% (${chosen.testAcc >= mean ? 'below' : 'above'} DNA’s choice).`;
}

/** stem → block 1 [layer ops] → … → head, one box per layer, in each block's colour. */
function BlockGraph({ model, arch }: { model: DnaModel; arch: string }) {
  const setup = model.setup!;
  const blocks = arch.split('|').map((b) => b.split(/[-,]/));
  const boxW = 96;
  const boxH = 26;
  const gap = 14;
  const blockPad = 8;
  let x = 8;
  const items: ReactElement[] = [];
  const box = (label: string, sub: string, color: string, key: string) => {
    items.push(
      <g key={key} transform={`translate(${x},28)`}>
        <rect width={boxW} height={boxH} rx={4} fill={C.surface} stroke={color} strokeWidth={1.5} />
        <text x={boxW / 2} y={17} textAnchor="middle">
          {label}
        </text>
        {sub && (
          <text x={boxW / 2} y={boxH + 14} textAnchor="middle" className="dna-small">
            {sub}
          </text>
        )}
      </g>,
    );
    x += boxW + gap;
  };
  box('stem 3×3', `${setup.stemChannels} ch`, C.muted, 'stem');
  blocks.forEach((ops, b) => {
    const x0 = x - blockPad / 2;
    ops.forEach((op, l) => box(opShort(op), l === 0 ? `${setup.stages[b].channels} ch${setup.stages[b].stride > 1 ? `, /${setup.stages[b].stride}` : ''}` : '', blockColor(b), `b${b}l${l}`));
    items.push(
      <g key={`frame${b}`}>
        <rect x={x0} y={18} width={x - gap - x0 + blockPad / 2} height={boxH + 30} rx={6} fill="none" stroke={blockColor(b)} strokeDasharray="4 3" />
        <text x={x0 + 4} y={13} className="dna-small">
          block {b + 1}
        </text>
      </g>,
    );
    x += 4;
  });
  box('pool + linear', `${setup.stages.length ? setup.stages[setup.stages.length - 1].channels : 0}→10`, C.muted, 'head');
  const width = x;
  return (
    <svg className="dna-graph" width={width} height={84} role="img" aria-label={`The chosen architecture ${arch}`}>
      <line x1={8} x2={width - gap - 8} y1={41} y2={41} stroke={C.faint} />
      {items}
    </svg>
  );
}
