import { ensureClientBuild } from '../../scripts/clientBuild.ts';

/** Browser tests need the built client; build it once, only when missing or stale. */
export default async function setup(): Promise<void> {
  await ensureClientBuild();
}
