/**
 * The y-websocket wire protocol: one message per binary frame, `varUint(type) • payload`.
 *
 * Decoding treats every frame as hostile: lengths are checked against what is left of the
 * frame before any allocation, and trailing bytes are an error (a well-formed client never
 * sends them, and accepting them would hide a framing bug).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const SyncStep = {
  /** Payload: the sender's state vector. */
  Step1: 0,
  /** Payload: every update the receiver lacks, answering a step 1. */
  Step2: 1,
  /** Payload: an incremental update. */
  Update: 2,
} as const;
export type SyncStep = (typeof SyncStep)[keyof typeof SyncStep];

/** A decoded protocol message. */
export type ProtocolMessage =
  | { type: 'sync-step-1'; stateVector: Uint8Array }
  | { type: 'sync-step-2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'auth-denied'; reason: string }
  | { type: 'query-awareness' };

/** Thrown for a frame that is not exactly one well-formed message. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = readVarUint(decoder);
  const remaining = decoder.arr.length - decoder.pos;
  if (length > remaining) {
    throw new ProtocolError(`length prefix ${length} exceeds the ${remaining} bytes left`);
  }
  return decoding.readUint8Array(decoder, length);
}

function readVarUint(decoder: decoding.Decoder): number {
  if (!decoding.hasContent(decoder)) throw new ProtocolError('truncated message');
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new ProtocolError('truncated or oversized varint');
  }
}

function decodeBody(decoder: decoding.Decoder): ProtocolMessage {
  const type = readVarUint(decoder);
  switch (type) {
    case MessageType.Sync: {
      const step = readVarUint(decoder);
      switch (step) {
        case SyncStep.Step1:
          return { type: 'sync-step-1', stateVector: readBytes(decoder) };
        case SyncStep.Step2:
          return { type: 'sync-step-2', update: readBytes(decoder) };
        case SyncStep.Update:
          return { type: 'sync-update', update: readBytes(decoder) };
        default:
          throw new ProtocolError(`unknown sync step ${step}`);
      }
    }
    case MessageType.Awareness:
      return { type: 'awareness', update: readBytes(decoder) };
    case MessageType.Auth: {
      const permission = readVarUint(decoder);
      if (permission !== 0) throw new ProtocolError(`unknown auth message ${permission}`);
      const reason = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(decoder));
      return { type: 'auth-denied', reason };
    }
    case MessageType.QueryAwareness:
      return { type: 'query-awareness' };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

/** Decodes one frame. Throws `ProtocolError` unless it holds exactly one valid message. */
export function decodeMessage(frame: Uint8Array): ProtocolMessage {
  const decoder = decoding.createDecoder(frame);
  let message: ProtocolMessage;
  try {
    message = decodeBody(decoder);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(error instanceof Error ? error.message : 'undecodable message');
  }
  if (decoding.hasContent(decoder)) {
    throw new ProtocolError(`${decoder.arr.length - decoder.pos} trailing bytes after the message`);
  }
  return message;
}

function encodeSync(step: SyncStep, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** `[0, 0, stateVector]`: asks the peer for what we lack. */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SyncStep.Step1, stateVector);
}

/** `[0, 1, update]`: answers a step 1. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SyncStep.Step2, update);
}

/** `[0, 2, update]`: an incremental update. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SyncStep.Update, update);
}

/** `[1, awarenessUpdate]`. */
export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** `[2, 0, reason]`: permission denied (y-websocket's auth message). */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Auth);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

/** `[3]`: asks the peer for every awareness state it knows. */
export function encodeQueryAwareness(): Uint8Array {
  return Uint8Array.of(MessageType.QueryAwareness);
}

/**
 * An awareness message announcing zero clients. The client applies it as a no-op, but it
 * resets the client's 30 s "no message received" timer, so it serves as a keepalive that
 * browser JavaScript can see (WebSocket pings are invisible to it).
 */
export const KEEPALIVE_FRAME: Uint8Array = encodeAwareness(Uint8Array.of(0));
