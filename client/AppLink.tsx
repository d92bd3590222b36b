import type { MouseEvent, ReactNode } from 'react';
import { navigate } from './router.ts';

/**
 * A link within the app: a real `<a href>` (it can be opened in a new tab, copied, read out),
 * followed without a page load. A click with a modifier key is left to the browser.
 */
export function AppLink({
  to,
  className,
  children,
}: {
  to: string;
  className?: string;
  children: ReactNode;
}) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a className={className} href={to} onClick={follow}>
      {children}
    </a>
  );
}
