import type { ProtocolMessage } from '../../shared/protocol.ts';

/** The y-websocket message kinds, as counted in `inkwell_messages_*_total{kind}`. */
export type MessageKind = ProtocolMessage['type'];

/** Every kind, in a fixed order (label values are bounded and known up front). */
export const MESSAGE_KINDS = [
  'sync-step-1',
  'sync-step-2',
  'sync-update',
  'awareness',
  'query-awareness',
  'auth-denied',
] as const satisfies readonly MessageKind[];

/** One plain counter per kind: incrementing a property of a fixed-shape object is free. */
export type PerKind = Record<MessageKind, number>;

export const zeroPerKind = (): PerKind =>
  Object.fromEntries(MESSAGE_KINDS.map((kind) => [kind, 0])) as PerKind;
