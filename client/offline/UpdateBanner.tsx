import { applyUpdate, useUpdateReady } from './serviceWorkerClient.ts';

/** "A new version is ready": the writer decides when to reload (their edits are kept). */
export function UpdateBanner() {
  if (!useUpdateReady()) return null;
  return (
    <div className="update-banner" role="region" aria-label="Update">
      <span>A new version of Inkwell is ready.</span>
      <button type="button" className="button-primary" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
