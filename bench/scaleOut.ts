/**
 * Workloads only a cluster has: a crash of one instance while its documents are edited
 * through it and watched through another.
 */
import * as Y from 'yjs';
import { deploy, type ClusterKind } from './deployments.ts';
import { LoadClient, SequenceWriter, forEachSequence, lostEdits, typeUntilStopped } from './wire.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ClusterDurabilityResult {
  /** Edits the observer on the surviving instance received before the kill. */
  broadcast: number;
  /** Of those, missing from the document once the killed instance is back. */
  lost: number;
}

/**
 * A writer types 50 edits a second through the first instance, an observer on the last one
 * notes every edit that crossed over and stays connected; after `seconds`, SIGKILL the first
 * instance, restart it, and read the document through it (what its clients get when they
 * reconnect).
 */
export async function clusterDurability(kind: ClusterKind, seconds = 3): Promise<ClusterDurabilityResult> {
  const doc = 'crash';
  const cluster = await deploy(kind);
  const last = kind.instances - 1;
  try {
    const seen = new Set<number>();
    const observer = new LoadClient({
      flavor: kind.flavor,
      url: cluster.urlFor(doc, last),
      doc,
      onUpdate: (update) => forEachSequence(update, (seq) => seen.add(seq)),
    });
    const writer = new SequenceWriter({ flavor: kind.flavor, url: cluster.urlFor(doc, 0), doc });
    await Promise.all([observer.synced, writer.client.synced]);
    const typing = typeUntilStopped(writer);
    await sleep(seconds * 1000);
    await cluster.kill(0);
    const broadcast = new Set(seen);
    await typing.stop();
    writer.client.close();
    // The observer stays: the surviving instance keeps its clients (and the document loaded).

    await cluster.restart(0);
    const ydoc = new Y.Doc();
    const checker = new LoadClient({
      flavor: kind.flavor,
      url: cluster.urlFor(doc, 0),
      doc,
      ydoc,
      applyUpdates: true,
    });
    await checker.synced;
    // Peers may fill a reloaded document from the other instance after the first sync.
    await sleep(1_000);
    checker.close();
    observer.close();
    return { broadcast: broadcast.size, lost: lostEdits(broadcast, ydoc.getText('text').toString()) };
  } finally {
    await cluster.stop();
  }
}
