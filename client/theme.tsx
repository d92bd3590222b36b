import { useState } from 'react';

/**
 * Light or dark: the system's choice until the writer picks one, then theirs, remembered
 * in this browser. index.html applies the stored choice before the first paint (no flash);
 * the CSS reads it through `color-scheme` (see :root in styles.css).
 */
type Theme = 'light' | 'dark';
const THEME_KEY = 'inkwell:theme';

const systemTheme = (): Theme =>
  window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  return chosen === 'light' || chosen === 'dark' ? chosen : systemTheme();
}

/** A button that switches between light and dark and remembers the choice. */
export function ThemeToggle({
  className = 'button-quiet',
  tabIndex,
}: {
  className?: string;
  tabIndex?: number;
}) {
  const [theme, setTheme] = useState<Theme>(currentTheme);
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (private mode): the choice lasts for this page.
    }
    setTheme(next);
  };
  return (
    <button
      type="button"
      className={`${className} theme-toggle`}
      aria-label="Dark mode"
      aria-pressed={theme === 'dark'}
      tabIndex={tabIndex}
      title={theme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
      onMouseDown={(event) => event.preventDefault()}
      onClick={toggle}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
