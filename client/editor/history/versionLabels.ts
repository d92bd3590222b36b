import type { Version } from '../../../shared/api.ts';
import { timeAgo } from '../../timeAgo.ts';

/** What the list calls a version: its name, or what made it. */
export function versionTitle(version: Version): string {
  if (version.name !== null) return version.name;
  switch (version.kind) {
    case 'auto':
      return 'Saved automatically';
    case 'named':
      return 'Saved version';
    case 'restore':
      return 'Before a restore';
    default: {
      const unknown: never = version.kind;
      return unknown;
    }
  }
}

/** "14:02" today, "3 Dec, 14:02" before: how the restore confirmation names a version. */
export function versionTime(version: Version, now = new Date()): string {
  const at = new Date(version.createdAt);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}

/** "2 minutes ago", with the exact time for a title attribute. */
export function versionAge(version: Version): { relative: string; exact: string } {
  return { relative: timeAgo(version.createdAt), exact: new Date(version.createdAt).toLocaleString() };
}

/** "Ada, Grace" or "No named authors". */
export function versionAuthors(version: Version): string {
  return version.authors.length === 0 ? 'No named authors' : version.authors.join(', ');
}
