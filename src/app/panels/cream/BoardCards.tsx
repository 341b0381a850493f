import type { BoardEntryView } from '../../../engine/methods/cream/events';
import { formatCount } from '../../format';
import { ArchChain } from './ArchChain';
import type { CreamModel } from './creamState';

/**
 * The prioritized path board as cards, best first. A card that just entered is outlined; the
 * entries pushed off by the latest change stay visible, faded, after the board. The teacher of
 * the latest matched step is marked.
 */
export function BoardCards({ model, teacherId }: { model: CreamModel; teacherId: number | null }) {
  const size = model.setup?.boardSize ?? 0;
  const empty = Math.max(0, size - model.board.length);
  const warm = model.rows.length > 0 && model.rows[model.rows.length - 1].phase === 'board';
  return (
    <div className="cream-board" data-testid="cream-board" data-size={model.board.length}>
      {model.board.map((e, rank) => (
        <Card key={e.id} entry={e} rank={rank + 1} state={model.entered.has(e.id) ? 'entered' : 'kept'} teacher={e.id === teacherId} />
      ))}
      {Array.from({ length: empty }, (_, i) => (
        <div key={`empty${i}`} className="cream-card cream-card-empty" aria-hidden>
          {warm ? 'open: the next path enters' : 'opens after the warm-up'}
        </div>
      ))}
      {model.left.map((e) => (
        <Card key={`left${e.id}`} entry={e} rank={null} state="left" teacher={false} />
      ))}
    </div>
  );
}

function Card({ entry, rank, state, teacher }: { entry: BoardEntryView; rank: number | null; state: 'entered' | 'kept' | 'left'; teacher: boolean }) {
  return (
    <article
      className={`cream-card cream-card-${state}${teacher ? ' cream-card-teacher' : ''}`}
      data-testid={state === 'left' ? 'cream-board-left' : 'cream-board-card'}
      data-entry={entry.id}
      aria-label={`${state === 'left' ? 'left the board' : `board rank ${rank}`}: ${entry.arch}`}
    >
      <header>
        <span className="cream-rank">{rank === null ? 'left' : `#${rank}`}</span>
        <span className="cream-card-acc">{entry.acc.toFixed(1)}%</span>
        {teacher && <span className="cream-teacher-tag">teaching</span>}
      </header>
      <ArchChain arch={entry.arch} width={156} height={48} />
      <footer>
        {formatCount(entry.flops)} FLOPs · {formatCount(entry.params)} params · {state === 'entered' ? 'new' : 'since'} step {entry.step}
      </footer>
    </article>
  );
}
