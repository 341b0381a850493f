import * as d3 from 'd3';
import { useId, useMemo } from 'react';
import { cellEdges, isConnected, NB201_NODES, NB201_OPS, parseCell, type CellEdge } from '../../engine/spaces/nb201';
import { Legend, useChartWidth } from '../charts/kit';
import { OP_DASH, OP_LABELS, OP_SHORT, opColor } from './ops';

/**
 * A NAS-Bench-201 cell drawn as its DAG: nodes 0→3 left to right, one labelled edge per op.
 * React owns every node of this SVG; d3 only computes the geometry (d3.path) and colours, since
 * the graph is small and changes only when the arch does.
 */
const GRAPH_H = 230;
const Y = 112;
const R = 17;
/**
 * Below this width the op names on the edges would run into each other and the nodes: the graph
 * then leaves them out (each op keeps its colour and dash, named in the legend) and its margins shrink.
 */
const COMPACT_W = 320;
const margin = (W: number) => (W < COMPACT_W ? 24 : 48);
const nodeX = (i: number, W: number) => margin(W) + (i * (W - 2 * margin(W))) / (NB201_NODES - 1);

interface EdgeShape {
  edge: CellEdge;
  d: string;
  label: { x: number; y: number };
}

/** Adjacent nodes get a straight edge; longer spans bow out (span 2 above, span 3 below) so labels never collide. */
function shapeEdge(edge: CellEdge, W: number): EdgeShape {
  const span = edge.to - edge.from;
  const x0 = nodeX(edge.from, W);
  const x1 = nodeX(edge.to, W);
  const p = d3.path();
  if (span === 1) {
    p.moveTo(x0 + R, Y);
    p.lineTo(x1 - R - 2, Y);
    return { edge, d: p.toString(), label: { x: (x0 + x1) / 2, y: Y - 9 } };
  }
  const bow = span === 2 ? -72 : 84;
  const cx = (x0 + x1) / 2;
  const cy = Y + 2 * bow;
  const trim = (fx: number, fy: number, tx: number, ty: number, by: number) => {
    const len = Math.hypot(tx - fx, ty - fy);
    return [fx + ((tx - fx) * by) / len, fy + ((ty - fy) * by) / len];
  };
  const [sx, sy] = trim(x0, Y, cx, cy, R);
  const [ex, ey] = trim(x1, Y, cx, cy, R + 2);
  p.moveTo(sx, sy);
  p.quadraticCurveTo(cx, cy, ex, ey);
  return { edge, d: p.toString(), label: { x: cx, y: Y + bow + (bow < 0 ? -6 : 14) } };
}

export interface CellGraphProps {
  arch: string;
  testId?: string;
  title?: string;
}

export function CellGraph({ arch, testId = 'cell-graph', title }: CellGraphProps) {
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const parsed = useMemo(() => parseCell(arch), [arch]);
  const [box, W] = useChartWidth(520);
  if (!parsed.ok) {
    return (
      <p className="graph-error" role="alert">
        Cannot draw this cell: {parsed.reason}
      </p>
    );
  }
  const edges = cellEdges(parsed.cell).map((e) => shapeEdge(e, W));
  const connected = isConnected(parsed.cell);
  return (
    <figure className="cell-graph">
      <div ref={box} className="chart-box">
      <svg data-testid={testId} data-arch={arch} width={W} height={GRAPH_H} role="img" aria-label={title ?? `cell ${arch}`}>
        <defs>
          {NB201_OPS.map((op) => (
            <marker key={op} id={`${uid}-arrow-${op}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
              <path d="M0,0 L10,5 L0,10 z" fill={opColor(op)} opacity={op === 'none' ? 0.5 : 1} />
            </marker>
          ))}
        </defs>
        {edges.map(({ edge, d }) => (
          <path
            key={`${edge.from}-${edge.to}`}
            className={`edge op-${edge.op}`}
            d={d}
            fill="none"
            stroke={opColor(edge.op)}
            strokeWidth={edge.op === 'none' ? 1.5 : 3}
            strokeDasharray={OP_DASH[edge.op]}
            opacity={edge.op === 'none' ? 0.55 : 1}
            markerEnd={`url(#${uid}-arrow-${edge.op})`}
          >
            <title>{`${edge.from} → ${edge.to}: ${OP_LABELS[edge.op]}`}</title>
          </path>
        ))}
        {W >= COMPACT_W && edges.map(({ edge, label }) => (
          <text key={`l${edge.from}-${edge.to}`} className="edge-label" x={label.x} y={label.y} textAnchor="middle">
            {OP_SHORT[edge.op]}
          </text>
        ))}
        {d3.range(NB201_NODES).map((i) => (
          <g key={i} transform={`translate(${nodeX(i, W)},${Y})`} className="node">
            <circle r={R} />
            <text textAnchor="middle" dy="0.35em">
              {i}
            </text>
            {(i === 0 || i === NB201_NODES - 1) && (
              <text className="node-caption" textAnchor="middle" y={R + 16}>
                {i === 0 ? 'input' : 'output'}
              </text>
            )}
          </g>
        ))}
      </svg>
      </div>
      <Legend items={NB201_OPS.map((op) => ({ label: OP_SHORT[op], color: opColor(op), mark: 'dash' as const, dash: OP_DASH[op] ?? 'none' }))} />
      {!connected && <p className="graph-note">No path of real ops joins input to output: this cell passes no signal (NAS-Bench-201 lists such cells at chance accuracy).</p>}
    </figure>
  );
}
