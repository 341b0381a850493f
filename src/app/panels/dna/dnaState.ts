import type { RunEvent } from '../../../engine/core/events';
import { seriesColor } from '../../graphs/ops';
import {
  type BlockLossPoint,
  type BlockScoresData,
  isDnaEvent,
  type DnaSetupData,
  type FeatureMapData,
  type FinalCheckData,
  type SearchSummary,
  type TeacherEpochData,
  type TeacherReadyData,
} from '../../../engine/methods/dna/events';

/** Everything the DNA view draws, folded from the run's `method` events (method: 'dna'). */
export interface DnaModel {
  setup: DnaSetupData | null;
  teacherRows: { step: number; loss: number; acc: number }[];
  teacherEpochs: TeacherEpochData[];
  teacher: TeacherReadyData | null;
  /** Per block, every training step's loss (the sampled path's MSE to the teacher). */
  losses: BlockLossPoint[][];
  /** Latest feature maps per block: while training and once rated. */
  maps: { training?: FeatureMapData; rated?: FeatureMapData }[];
  scores: (BlockScoresData | undefined)[];
  search: SearchSummary | null;
  final: FinalCheckData | null;
}

export function emptyDnaModel(): DnaModel {
  return { setup: null, teacherRows: [], teacherEpochs: [], teacher: null, losses: [], maps: [], scores: [], search: null, final: null };
}

export function foldDna(events: readonly RunEvent[]): DnaModel {
  const m = emptyDnaModel();
  for (const e of events) {
    if (!isDnaEvent(e)) continue;
    switch (e.kind) {
      case 'setup':
        m.setup = e.data;
        break;
      case 'teacher-curve':
        m.teacherRows.push(...e.data.rows);
        break;
      case 'teacher-epoch':
        m.teacherEpochs.push(e.data);
        break;
      case 'teacher-ready':
        m.teacher = e.data;
        break;
      case 'block-loss':
        for (const p of e.data.points) (m.losses[p.block] ??= []).push(p);
        break;
      case 'feature-map': {
        const d = e.data;
        m.maps[d.block] = { ...m.maps[d.block], [d.stage]: d };
        break;
      }
      case 'block-scores': {
        const d = e.data;
        m.scores[d.block] = d;
        break;
      }
      case 'search':
        m.search = e.data;
        break;
      case 'final-check':
        m.final = e.data;
        break;
    }
  }
  return m;
}

/** Every block rated (the budget search can run on the page). */
export function allRated(m: DnaModel): boolean {
  return !!m.setup && m.setup.stages.every((_, b) => !!m.scores[b]);
}

/** Mean of consecutive windows: one line per block stays readable over hundreds of steps. */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

export const blockColor = (b: number) => seriesColor(b);
