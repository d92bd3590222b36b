import { useState } from 'react';
import { Role } from '../../shared/access.ts';
import { roleOf } from '../accessTokens.ts';
import { createShareLink } from '../api.ts';
import { copyText } from '../clipboard.ts';

/** A button that copies a link (computed on click) and says so for two seconds. */
function CopyLinkButton({ label, link }: { label: string; link: () => Promise<string> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button-quiet share-button"
      onClick={async () => {
        let copied = false;
        try {
          copied = await copyText(await link());
        } catch {
          copied = false;
        }
        setState(copied ? 'copied' : 'failed');
        setTimeout(() => setState('idle'), 2000);
      }}
    >
      {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Could not copy' : label}
    </button>
  );
}

/**
 * Sharing: with auth off the page's own URL is the link. In auth mode a writer mints links
 * (view-only or edit) through the server; a viewer has nothing to share.
 */
export function ShareControls({ name, auth, token }: { name: string; auth: boolean; token: string | null }) {
  if (!auth) return <CopyLinkButton label="Copy link" link={async () => window.location.href} />;
  if (token === null || roleOf(token) !== Role.Write) return null;
  const mint = (role: Role) => async () =>
    new URL((await createShareLink(name, role, token)).url, window.location.origin).href;
  return (
    <>
      <CopyLinkButton label="Copy view-only link" link={mint(Role.Read)} />
      <CopyLinkButton label="Copy edit link" link={mint(Role.Write)} />
    </>
  );
}
