import * as d3 from 'd3';
import { C } from '../../charts/kit';
import { blockOpColor } from '../../graphs/ops';
import { useMemo } from 'react';
import { BLOCK_OP_LABEL, BLOCK_OP_SPEC, type BlockOp } from '../../../engine/spaces/blocks';
import { archBlocks } from './creamState';

export const BLOCK_OP_SHORT: Record<BlockOp, string> = { mb3_k3: 'e3 3×3', mb3_k5: 'e3 5×5', mb6_k3: 'e6 3×3', mb6_k5: 'e6 5×5', mb3_k1: 'e3 1×1', mb6_k1: 'e6 1×1', skip: 'skip' };

/**
 * A block-space architecture as a chain: stem → the blocks' layers → head. Each layer is a box
 * whose width grows with the depthwise kernel and whose colour darkens with the expansion; a skip
 * is a thin grey bar. React owns the SVG; d3 supplies the band positions and the colours.
 */
export function ArchChain({ arch, width = 220, height = 50, title, testId }: { arch: string; width?: number; height?: number; title?: string; testId?: string }) {
  const blocks = useMemo(() => archBlocks(arch), [arch]);
  const layout = useMemo(() => {
    const slots = ['stem', ...blocks.flatMap((ops, b) => ops.map((_, l) => `${b}.${l}`)), 'head'];
    const x = d3.scaleBand<string>().domain(slots).range([2, width - 2]).paddingInner(0.28);
    return { x, slots };
  }, [blocks, width]);
  const { x } = layout;
  const bw = x.bandwidth();
  const mid = height / 2 + 7;
  const boxH = height - 24;
  const blockSpans = blocks.map((ops, b) => [x(`${b}.0`)!, x(`${b}.${ops.length - 1}`)! + bw] as const);
  return (
    <svg className="cream-chain" width={width} height={height} role="img" aria-label={title ?? `architecture ${arch}`} data-testid={testId}>
      <title>{title ?? arch}</title>
      <line x1={x('stem')! + bw / 2} x2={x('head')! + bw / 2} y1={mid} y2={mid} stroke={C.faint} strokeWidth={1} />
      {blockSpans.map(([x0, x1], b) => (
        <g key={b}>
          <rect x={x0 - 2} y={2} width={x1 - x0 + 4} height={height - 4} rx={4} fill="none" stroke={C.grid} strokeDasharray="3 2" />
          <text x={(x0 + x1) / 2} y={14} textAnchor="middle">
            B{b + 1}
          </text>
        </g>
      ))}
      <rect x={x('stem')} y={mid - boxH / 4} width={bw} height={boxH / 2} fill={C.muted} rx={2}>
        <title>stem: 3×3 conv → BN → ReLU</title>
      </rect>
      {blocks.flatMap((ops, b) =>
        ops.map((op, l) => {
          const spec = BLOCK_OP_SPEC[op];
          const x0 = x(`${b}.${l}`)!;
          if (!spec) {
            return (
              <rect key={`${b}.${l}`} x={x0} y={mid - 2} width={bw} height={4} fill={blockOpColor(op)} data-op={op}>
                <title>{`block ${b + 1}, layer ${l + 1}: skip`}</title>
              </rect>
            );
          }
          // 1×1 fills 30% of the band, 3×3 60%, 5×5 all of it (7×7 would overflow: the space offers 1, 3 and 5).
          const w = bw * (spec.kernel >= 5 ? 1 : spec.kernel >= 3 ? 0.6 : 0.3);
          const h = boxH * (spec.expansion >= 6 ? 1 : 0.7);
          return (
            <rect key={`${b}.${l}`} x={x0 + (bw - w) / 2} y={mid - h / 2} width={w} height={h} rx={2} fill={blockOpColor(op)} stroke={C.ink} strokeWidth={0.5} data-op={op}>
              <title>{`block ${b + 1}, layer ${l + 1}: ${BLOCK_OP_LABEL[op]}`}</title>
            </rect>
          );
        }),
      )}
      <rect x={x('head')} y={mid - boxH / 4} width={bw} height={boxH / 2} fill={C.ink} rx={2}>
        <title>head: global average pool → linear</title>
      </rect>
    </svg>
  );
}

/** The op colours as a legend. */
export function OpLegend({ ops }: { ops: readonly BlockOp[] }) {
  return (
    <ul className="cream-legend">
      {ops.map((op) => (
        <li key={op}>
          <span className="cream-swatch" style={{ background: blockOpColor(op) }} /> {BLOCK_OP_LABEL[op]}
        </li>
      ))}
    </ul>
  );
}
