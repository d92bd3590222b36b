/**
 * The real editing trace used by benchmarks, or a seeded synthetic one when the file is
 * absent (so benchmarks still run on a user's machine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';

/** `[position, deleted, inserted]`, positions in code points. */
export type Patch = [number, number, string];

export interface EditingTrace {
  source: string;
  patches: Patch[];
  endContent: string;
}

const TRACE_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'shared',
  'data',
  'automerge-paper.json.gz',
);

/** A typist writing words at a moving caret, with occasional backspaces. */
function syntheticTrace(edits: number, seed = 42): EditingTrace {
  const gen = prng.create(seed);
  const patches: Patch[] = [];
  let text = '';
  let caret = 0;
  while (patches.length < edits) {
    if (prng.int32(gen, 0, 19) === 0) caret = prng.int32(gen, 0, text.length);
    if (text.length > 0 && caret > 0 && prng.int32(gen, 0, 3) === 0) {
      patches.push([caret - 1, 1, '']);
      text = text.slice(0, caret - 1) + text.slice(caret);
      caret--;
    } else {
      const ch = prng.int32(gen, 0, 6) === 0 ? ' ' : String.fromCharCode(prng.int32(gen, 97, 122));
      patches.push([caret, 0, ch]);
      text = text.slice(0, caret) + ch + text.slice(caret);
      caret++;
    }
  }
  return { source: `synthetic (seed ${seed}, ${edits} edits)`, patches, endContent: text };
}

/** Loads the automerge-paper trace, or a synthetic trace of the same length. */
export function loadEditingTrace(): EditingTrace {
  if (!fs.existsSync(TRACE_FILE)) return syntheticTrace(259_778);
  const raw = JSON.parse(zlib.gunzipSync(fs.readFileSync(TRACE_FILE)).toString('utf8')) as {
    endContent: string;
    txns: { patches: Patch[] }[];
  };
  return {
    source: 'automerge-paper (259,778 single-character edits)',
    patches: raw.txns.flatMap((txn) => txn.patches),
    endContent: raw.endContent,
  };
}

export interface TraceUpdates {
  /** One Yjs update per patch, as a keystroke would send it. */
  updates: Uint8Array[];
  /** The writer's Yjs client ID and its clock after each update (deletions add no clock). */
  clientId: number;
  clocks: Uint32Array;
  text: string;
}

/** Replays a trace on a Y.Text, one update per patch. */
export function traceToUpdates(trace: EditingTrace): TraceUpdates {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  const updates: Uint8Array[] = [];
  const clocks = new Uint32Array(trace.patches.length);
  doc.on('update', (update: Uint8Array) => updates.push(update));
  trace.patches.forEach(([position, deleted, inserted], i) => {
    doc.transact(() => {
      if (deleted > 0) text.delete(position, deleted);
      if (inserted.length > 0) text.insert(position, inserted);
    });
    clocks[i] = Y.getState(doc.store, doc.clientID);
  });
  return { updates, clientId: doc.clientID, clocks, text: text.toString() };
}
