import { useEffect, useState } from 'react';
import { replaceQuery } from '../settings';
import { applyTheme, followSystem, initialTheme, storeTheme, type Theme } from '../theme';

/** Dark mode (styles.css `:root.dark`): follows the system until toggled; the toggle is remembered and `?theme=` carries it in a link. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => initialTheme());
  const [chosen, setChosen] = useState(false);
  useEffect(() => {
    applyTheme(theme);
    if (chosen) replaceQuery((q) => q.set('theme', theme));
  }, [theme, chosen]);
  useEffect(() => followSystem(setTheme), []);
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      className="link theme-toggle"
      aria-pressed={dark}
      data-testid="theme-toggle"
      title="Dark mode (follows the system until you choose)"
      onClick={() => {
        const next: Theme = dark ? 'light' : 'dark';
        storeTheme(next);
        setChosen(true);
        setTheme(next);
      }}
    >
      Dark
    </button>
  );
}
