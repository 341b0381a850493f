import { useEffect, useState } from 'react';
import { replaceQuery } from '../settings';

/** Projector mode (styles.css `:root.projector`): larger text and lines; `?projector=1` opens the page in it. */
export function ProjectorToggle() {
  const [on, setOn] = useState(() => new URLSearchParams(location.search).get('projector') === '1');
  useEffect(() => {
    document.documentElement.classList.toggle('projector', on);
    replaceQuery((q) => (on ? q.set('projector', '1') : q.delete('projector')));
  }, [on]);
  return (
    <button type="button" className="link projector-toggle" aria-pressed={on} data-testid="projector-toggle" title="Projector mode: larger text and lines, secondary panels folded" onClick={() => setOn(!on)}>
      Projector
    </button>
  );
}
