/**
 * Light or dark (styles.css `:root.dark`). The choice comes from, in order: `?theme=dark|light`
 * in the link, the learner's toggle (localStorage), the system's prefers-color-scheme. The class
 * is set before the first render (main.tsx), so the page never flashes the other theme.
 */
export type Theme = 'light' | 'dark';

const KEY = 'nas-playground:theme';

export function isTheme(v: unknown): v is Theme {
  return v === 'light' || v === 'dark';
}

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return isTheme(v) ? v : null;
  } catch {
    return null;
  }
}

function system(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The theme the page opens in; an unknown `?theme=` value is ignored (settings.ts reports it). */
export function initialTheme(search = location.search): Theme {
  const q = new URLSearchParams(search).get('theme');
  return isTheme(q) ? q : (stored() ?? system());
}

export function applyTheme(t: Theme): void {
  document.documentElement.classList.toggle('dark', t === 'dark');
  document.documentElement.dataset.theme = t;
}

/** Remembers an explicit choice: it then wins over the system's setting on the next visit. */
export function storeTheme(t: Theme): void {
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** Follows the system's setting while the learner has made no choice of their own. */
export function followSystem(onChange: (t: Theme) => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const mq = matchMedia('(prefers-color-scheme: dark)');
  const listener = () => {
    if (stored() === null && !isTheme(new URLSearchParams(location.search).get('theme'))) onChange(mq.matches ? 'dark' : 'light');
  };
  mq.addEventListener('change', listener);
  return () => mq.removeEventListener('change', listener);
}
