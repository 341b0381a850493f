import * as d3 from 'd3';
import { useState } from 'react';
import type { FeatureMapData } from '../../../engine/methods/dna/events';
import type { DnaModel } from './dnaState';

const CELL = 64;

/**
 * Teacher vs student feature maps of one block for one held-out image: the teacher's output
 * channels on top, the student's (the path being trained, or the best-rated path once rated)
 * below, each channel pair on one colour scale.
 */
export function FeatureMaps({ model }: { model: DnaModel }) {
  const blocks = model.maps.map((m, b) => ({ b, m })).filter((x) => x.m && (x.m.training || x.m.rated));
  const [chosen, setChosen] = useState<number | null>(null);
  if (blocks.length === 0) return <p className="muted">Feature maps appear while the student blocks train.</p>;
  const b = chosen !== null && model.maps[chosen] ? chosen : blocks[blocks.length - 1].b;
  const entry = model.maps[b]!;
  const map = entry.rated ?? entry.training!;
  return (
    <div className="dna-maps" data-testid="dna-feature-maps">
      <div className="dna-tabs" role="tablist" aria-label="Block">
        {blocks.map((x) => (
          <button key={x.b} type="button" role="tab" aria-selected={x.b === b} className={x.b === b ? 'active' : ''} onClick={() => setChosen(x.b)}>
            block {x.b + 1}
          </button>
        ))}
      </div>
      <p className="hint">
        {map.stage === 'rated' ? `Best-rated path ${map.path}, BatchNorm recalibrated` : `Path ${map.path} at step ${map.step}, batch statistics`} — {map.height}×{map.width}, first {map.channels.length} channels.
      </p>
      <MapGrid map={map} />
    </div>
  );
}

function MapGrid({ map }: { map: FeatureMapData }) {
  const n = map.channels.length;
  const gap = 10;
  const labelW = 70;
  const w = labelW + n * (CELL + gap);
  const h = 2 * (CELL + gap) + 18;
  return (
    <svg className="dna-mapgrid" width={w} height={h} role="img" aria-label="Teacher and student feature maps">
      {map.channels.map((ch, i) => {
        const values = [...map.teacher[i], ...map.student[i]];
        const [lo, hi] = d3.extent(values) as [number, number];
        const color = d3.scaleSequential(d3.interpolateViridis).domain([lo, hi === lo ? lo + 1 : hi]);
        const x0 = labelW + i * (CELL + gap);
        return (
          <g key={ch}>
            <text x={x0 + CELL / 2} y={12} textAnchor="middle" className="dna-small">
              ch {ch + 1}
            </text>
            <Heat x={x0} y={18} values={map.teacher[i]} h={map.height} w={map.width} color={color} />
            <Heat x={x0} y={18 + CELL + gap} values={map.student[i]} h={map.height} w={map.width} color={color} />
          </g>
        );
      })}
      <text x={0} y={18 + CELL / 2} className="dna-small">
        teacher
      </text>
      <text x={0} y={18 + CELL + gap + CELL / 2} className="dna-small">
        student
      </text>
    </svg>
  );
}

function Heat({ x, y, values, h, w, color }: { x: number; y: number; values: number[]; h: number; w: number; color: (v: number) => string }) {
  const ch = CELL / h;
  const cw = CELL / w;
  return (
    <g transform={`translate(${x},${y})`}>
      {values.map((v, i) => (
        <rect key={i} x={(i % w) * cw} y={Math.floor(i / w) * ch} width={cw + 0.3} height={ch + 0.3} fill={color(v)} />
      ))}
    </g>
  );
}
