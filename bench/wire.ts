/**
 * The load generator's client: speaks the sync protocol itself (lib0 encoding over `ws`), so
 * the client side costs the same whatever the server. Two flavours:
 *  - y-websocket: one document per socket, addressed by the URL; message = [type, ...];
 *  - hocuspocus: every message starts with the document name, and an auth message
 *    (token submessage) must come first.
 * Readers keep no Y.Doc: they hand each received update's bytes to a callback, which finds the
 * writers' sequence markers in them. Writers keep a Y.Doc so that their edits are real Yjs
 * updates.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../shared/documentModel.ts';

export type WireFlavor = 'y-websocket' | 'hocuspocus';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
const AUTH_TOKEN = 0;
/** An encoded update that changes nothing: what a client without a document answers. */
const EMPTY_UPDATE = Uint8Array.of(0, 0);

export type UpdateKind = 'step-2' | 'update';

export interface LoadClientOptions {
  flavor: WireFlavor;
  url: string;
  doc: string;
  /** A writer's or checker's own document; readers have none. */
  ydoc?: Y.Doc;
  /** Apply every received update to `ydoc`, not only the first sync (checkers do; writers need not). */
  applyUpdates?: boolean;
  /** Announce presence on connect, as an editor would (name and colour), under this Yjs client ID. */
  awarenessClientId?: number;
  onUpdate?(update: Uint8Array, kind: UpdateKind): void;
}

export class LoadClient {
  readonly ws: WebSocket;
  /** Resolves when the server's first step 2 has arrived (rejects if the socket closes first). */
  readonly synced: Promise<void>;
  closeCode: number | null = null;
  /** When the server's first step 2 arrived (before the client applied it). */
  syncedAt = NaN;
  private readonly options: LoadClientOptions;
  private readonly prefix: Uint8Array;

  constructor(options: LoadClientOptions) {
    this.options = options;
    this.prefix = options.flavor === 'hocuspocus' ? encodeVarString(options.doc) : new Uint8Array(0);
    this.ws = new WebSocket(options.url, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.ws.once('close', (code) => {
        this.closeCode = code;
        reject(new Error(`socket for ${options.doc} closed (${code}) before it synced`));
      });
      this.ws.once('error', reject);
    });
    this.synced.catch(() => {});
    this.ws.once('open', () => this.onOpen());
    this.ws.on('message', (data: Buffer) => this.onMessage(data));
  }

  sendUpdate(update: Uint8Array): void {
    this.send(SYNC_UPDATE, update);
  }

  close(): void {
    this.ws.close();
  }

  /**
   * Asks for the room's presence, as a way to show the server this client is alive:
   * Hocuspocus drops a socket that has sent nothing for 60 s (editors renew presence).
   */
  queryAwareness(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const encoder = this.encoder();
    encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS);
    this.ws.send(encoding.toUint8Array(encoder));
  }

  private resolveSynced: () => void = () => {};

  private onOpen(): void {
    if (this.options.flavor === 'hocuspocus') {
      const encoder = this.encoder();
      encoding.writeVarUint(encoder, MESSAGE_AUTH);
      encoding.writeVarUint(encoder, AUTH_TOKEN);
      encoding.writeVarString(encoder, '');
      this.ws.send(encoding.toUint8Array(encoder));
    }
    const stateVector = this.options.ydoc ? Y.encodeStateVector(this.options.ydoc) : Uint8Array.of(0);
    this.send(SYNC_STEP_1, stateVector);
    if (this.options.awarenessClientId !== undefined) this.announce(this.options.awarenessClientId);
  }

  /** One awareness update with clock 1 (a clock-0 state is ignored by y-protocols). */
  private announce(clientId: number): void {
    const state = JSON.stringify({ user: { name: `Reader ${clientId}`, color: '#3b6fd4' } });
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, 1);
    encoding.writeVarString(update, state);
    const encoder = this.encoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
    this.ws.send(encoding.toUint8Array(encoder));
  }

  private onMessage(data: Buffer): void {
    const decoder = decoding.createDecoder(data);
    if (this.options.flavor === 'hocuspocus') decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const ydoc = this.options.ydoc;
    if (step === SYNC_STEP_1) {
      this.send(SYNC_STEP_2, ydoc ? Y.encodeStateAsUpdate(ydoc, payload) : EMPTY_UPDATE);
    } else if (step === SYNC_STEP_2) {
      if (Number.isNaN(this.syncedAt)) this.syncedAt = performance.now();
      if (ydoc) Y.applyUpdate(ydoc, payload, this);
      this.options.onUpdate?.(payload, 'step-2');
      this.resolveSynced();
    } else if (step === SYNC_UPDATE) {
      if (ydoc && this.options.applyUpdates) Y.applyUpdate(ydoc, payload, this);
      this.options.onUpdate?.(payload, 'update');
    }
  }

  private encoder(): encoding.Encoder {
    const encoder = encoding.createEncoder();
    encoding.writeUint8Array(encoder, this.prefix);
    return encoder;
  }

  private send(step: number, payload: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const encoder = this.encoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, step);
    encoding.writeVarUint8Array(encoder, payload);
    this.ws.send(encoding.toUint8Array(encoder));
  }
}

function encodeVarString(text: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, text);
  return encoding.toUint8Array(encoder);
}

/**
 * Where a writer's edits go. By default one Y.Text, always at its end. With
 * `paragraphUpdates`, the editor's layout: paragraphs in the body fragment, a new one after
 * every `paragraphUpdates` edits, each typed at its end.
 *
 * The difference matters in a long soak. Yjs merges one client's consecutive inserts into
 * one item, and the encoder of each transaction's update (every server's broadcast and every
 * client's send) slices that item from where the transaction began: one endless run of typing
 * copies the whole run at every keystroke, so its cost grows with the document. A paragraph
 * ends the run, as it does in a real editor.
 */
export interface SequenceWriterOptions {
  paragraphUpdates?: number;
}

/**
 * A writer: appends `seq:<n>.` for each edit, which the servers carry verbatim inside every
 * update (Yjs stores string content as UTF-8).
 */
export class SequenceWriter {
  readonly client: LoadClient;
  private readonly ydoc: Y.Doc;
  private readonly paragraphUpdates: number | null;
  private written = 0;
  private typingInto: Y.XmlText | Y.Text;

  constructor(options: Omit<LoadClientOptions, 'ydoc' | 'onUpdate'>, layout: SequenceWriterOptions = {}) {
    this.ydoc = new Y.Doc();
    this.paragraphUpdates = layout.paragraphUpdates ?? null;
    this.typingInto = this.ydoc.getText('text');
    this.client = new LoadClient({ ...options, ydoc: this.ydoc });
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.client) this.client.sendUpdate(update);
    });
  }

  /** One edit (one update): the marker, then `filler` (to give a document some bulk). */
  write(seq: number, filler = ''): void {
    const edit = `seq:${seq}.${filler}`;
    if (this.paragraphUpdates !== null && this.written++ % this.paragraphUpdates === 0) {
      this.ydoc.transact(() => {
        const body = this.ydoc.getXmlFragment(CONTENT_FRAGMENT);
        const paragraph = new Y.XmlElement('paragraph');
        const text = new Y.XmlText();
        body.insert(body.length, [paragraph]);
        paragraph.insert(0, [text]);
        text.insert(0, edit);
        this.typingInto = text;
      });
      return;
    }
    this.typingInto.insert(this.typingInto.length, edit);
  }

  /** What it has written (the text, without paragraph markup). */
  get content(): string {
    if (this.paragraphUpdates === null) return this.ydoc.getText('text').toString();
    return this.ydoc
      .getXmlFragment(CONTENT_FRAGMENT)
      .toArray()
      .map((paragraph) => ((paragraph as Y.XmlElement).get(0) as Y.XmlText).toString())
      .join('');
  }
}

const MARKER = Buffer.from('seq:');
const DIGIT_0 = 48;
const DOT = 46;

/** Calls `found` with every sequence number marked in an update's bytes. */
export function forEachSequence(update: Uint8Array, found: (seq: number) => void): void {
  const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
  let at = bytes.indexOf(MARKER);
  while (at !== -1) {
    let seq = 0;
    let i = at + MARKER.length;
    for (; i < bytes.length && bytes[i] !== DOT; i++) seq = seq * 10 + bytes[i]! - DIGIT_0;
    found(seq);
    at = bytes.indexOf(MARKER, i);
  }
}

/** Opens clients a batch at a time (a real crowd does not arrive in one SYN burst) and waits for all to sync. */
export async function openInBatches<T>(
  count: number,
  create: (index: number) => T,
  synced: (client: T) => Promise<void>,
  batchSize = 200,
): Promise<T[]> {
  const clients: T[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const batch: T[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) batch.push(create(i));
    await Promise.all(batch.map(synced));
    clients.push(...batch);
  }
  return clients;
}

/**
 * Types one numbered edit every 20 ms (50 a second, a writer mid-sentence) until `stop`,
 * which resolves once the last one is sent: the crash workloads kill a server meanwhile.
 */
export function typeUntilStopped(writer: SequenceWriter): { stop(): Promise<void> } {
  let typing = true;
  const typed = (async () => {
    for (let seq = 0; typing; seq++) {
      writer.write(seq);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: () => {
      typing = false;
      return typed;
    },
  };
}

/** How many of the numbered edits seen broadcast a document's text no longer holds. */
export function lostEdits(broadcast: ReadonlySet<number>, text: string): number {
  const present = new Set<number>();
  forEachSequence(new TextEncoder().encode(text), (seq) => present.add(seq));
  let lost = 0;
  for (const seq of broadcast) if (!present.has(seq)) lost++;
  return lost;
}
