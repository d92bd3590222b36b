import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { LogEntry } from '../storage/DocLog.ts';

/**
 * What instances tell each other on a document's channel, encoded with lib0 (varints and
 * length-prefixed bytes: no JSON, no base64). Every message names its sender, so an instance
 * ignores its own (Redis delivers them to the publisher's subscription too) and knows whose
 * clients an awareness update describes.
 */
export type BusMessage =
  /** One commit batch of the sender's clients: the entries with their sequence numbers. */
  | { type: 'entries'; from: string; doc: string; entries: LogEntry[] }
  /** The sender's clients' awareness changes (a y-protocols awareness update). */
  | { type: 'awareness'; from: string; doc: string; update: Uint8Array }
  /** The sender just joined the document and asks for everyone's awareness states. */
  | { type: 'awareness-query'; from: string; doc: string }
  /**
   * The document was moved to the trash or purged through the sender: every instance closes
   * its sessions with `code` (sent on the instances' shared channel, not the document's, since
   * only instances holding the room subscribe to that one).
   */
  | { type: 'evict'; from: string; doc: string; code: number; reason: string };

const MessageType = { entries: 0, awareness: 1, 'awareness-query': 2, evict: 3 } as const;

/** Bounds a hostile or corrupted message (a batch is one group commit of one document). */
const MAX_ENTRIES = 100_000;

export class BusMessageError extends Error {
  override readonly name = 'BusMessageError';
}

export function encodeBusMessage(message: BusMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType[message.type]);
  encoding.writeVarString(encoder, message.from);
  encoding.writeVarString(encoder, message.doc);
  switch (message.type) {
    case 'entries':
      encoding.writeVarUint(encoder, message.entries.length);
      for (const { seq, update } of message.entries) {
        encoding.writeVarUint(encoder, seq);
        encoding.writeVarUint8Array(encoder, update);
      }
      break;
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'awareness-query':
      break;
    case 'evict':
      encoding.writeVarUint(encoder, message.code);
      encoding.writeVarString(encoder, message.reason);
      break;
    default: {
      const unhandled: never = message;
      throw new Error(`unhandled bus message ${JSON.stringify(unhandled)}`);
    }
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a message; throws BusMessageError on anything malformed (never a crash). */
export function decodeBusMessage(bytes: Uint8Array): BusMessage {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    const from = decoding.readVarString(decoder);
    const doc = decoding.readVarString(decoder);
    let message: BusMessage;
    switch (type) {
      case MessageType.entries: {
        const count = decoding.readVarUint(decoder);
        if (count > MAX_ENTRIES) throw new BusMessageError(`too many entries (${count})`);
        const entries: LogEntry[] = [];
        for (let i = 0; i < count; i++) {
          const seq = decoding.readVarUint(decoder);
          entries.push({ seq, update: decoding.readVarUint8Array(decoder) });
        }
        message = { type: 'entries', from, doc, entries };
        break;
      }
      case MessageType.awareness:
        message = { type: 'awareness', from, doc, update: decoding.readVarUint8Array(decoder) };
        break;
      case MessageType['awareness-query']:
        message = { type: 'awareness-query', from, doc };
        break;
      case MessageType.evict: {
        const code = decoding.readVarUint(decoder);
        message = { type: 'evict', from, doc, code, reason: decoding.readVarString(decoder) };
        break;
      }
      default:
        throw new BusMessageError(`unknown message type ${type}`);
    }
    if (decoding.hasContent(decoder)) throw new BusMessageError('trailing bytes');
    return message;
  } catch (error) {
    if (error instanceof BusMessageError) throw error;
    throw new BusMessageError('truncated or malformed message');
  }
}
