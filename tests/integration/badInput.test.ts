import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/closeCodes.ts';
import { encodeSyncStep1, encodeSyncUpdate } from '../../shared/protocol.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;

let server: TestServer;
let honest: TestClient;
let witness: TestClient;

beforeAll(async () => {
  server = await startTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES });
  honest = connectClient(server.syncUrl, 'target');
  witness = connectClient(server.syncUrl, 'target');
  await Promise.all([honest.firstSync, witness.firstSync]);
  honest.doc.getText('text').insert(0, 'precious words');
  await waitForConvergence([honest, witness]);
});

afterAll(async () => {
  honest.destroy();
  witness.destroy();
  await server.close();
});

/** Sends frames on a fresh socket to the target room and returns how the server closed it. */
async function attack(...frames: (Uint8Array | string)[]) {
  const raw = openRawSocket(`${server.syncUrl}/target`);
  await raw.opened;
  for (const frame of frames) raw.ws.send(frame);
  return raw.closed;
}

describe('hostile input', () => {
  it.each([
    ['random garbage', Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x99, 0x01])],
    ['a truncated varint', Uint8Array.of(0, 0x80)],
    ['a huge length prefix', Uint8Array.of(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3)],
    ['an unknown message type', Uint8Array.of(42, 0)],
    ['an invalid Yjs update', encodeSyncUpdate(Uint8Array.from([5, 200, 1, 7, 7, 7, 7, 7, 7]))],
    ['an invalid state vector', encodeSyncStep1(Uint8Array.of(3, 1))],
    ['a text frame', 'hello'],
  ])('%s closes only that socket with 4422 and the document stays intact', async (_label, frame) => {
    const { code, reason } = await attack(frame);
    expect(code).toBe(CloseCode.InvalidMessage);
    expect(reason.length).toBeGreaterThan(0);
    // The honest pair still syncs, and the document is what it was.
    const edit = ` +${_label.length}`;
    honest.doc.getText('text').insert(honest.text().length, edit);
    await waitForConvergence([honest, witness]);
    expect(witness.text().startsWith('precious words')).toBe(true);
  });

  it('an oversized frame closes that socket with 4413', async () => {
    const { code } = await attack(encodeSyncUpdate(new Uint8Array(MAX_MESSAGE_BYTES + 1)));
    expect(code).toBe(CloseCode.MessageTooBig);
    expect(honest.provider.wsconnected).toBe(true);
  });

  it('a frame far beyond the limit is refused by the transport without buffering it all', async () => {
    const { code } = await attack(new Uint8Array(MAX_MESSAGE_BYTES * 4));
    expect([CloseCode.MessageTooBig, 1009]).toContain(code);
    expect(honest.provider.wsconnected).toBe(true);
  });

  it.each([
    ['a control character', 'bell%07ring'],
    ['a ".." segment', 'a%2F..%2Fb'],
    ['an overlong name', 'x'.repeat(513)],
    ['broken percent-encoding', '%E0%A4%A'],
    ['an empty name', ''],
  ])('%s is closed with 4400 and a reason', async (_label, name) => {
    const raw = openRawSocket(`${server.syncUrl}/${name}`);
    const { code, reason } = await raw.closed;
    expect(code).toBe(CloseCode.BadDocumentName);
    expect(reason).toMatch(/document name/);
  });

  it('the stock client stops retrying after a final close code', async () => {
    const rejected = connectClient(server.syncUrl, 'ring\u0007bell');
    const closes: number[] = [];
    rejected.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closes.push(event.code);
    });
    // The provider emits 'closed' only for a close it will not retry, after it has turned
    // its reconnect off (`shouldConnect`), which its pending reconnect timer checks.
    const final = await new Promise<{ code: number }>((resolve) => rejected.provider.once('closed', resolve));
    expect(final.code).toBe(CloseCode.BadDocumentName);
    expect(rejected.provider.shouldConnect).toBe(false);
    expect(closes).toEqual([CloseCode.BadDocumentName]);
    rejected.destroy();
  });

  it('after everything, the stored document holds exactly the honest edits', async () => {
    const late = connectClient(server.syncUrl, 'target');
    await late.firstSync;
    expect(late.text()).toBe(honest.text());
    expect(late.text().startsWith('precious words')).toBe(true);
    late.destroy();
  });
});
