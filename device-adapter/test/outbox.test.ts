import { describe, expect, it } from 'vitest';
import { EncodedPacket, Outbox, packetText } from '../src/outbox.js';

function drain(outbox: Outbox): string[] {
  const packets: string[] = [];
  for (let item = outbox.shift(); item; item = outbox.shift()) packets.push(packetText(item.packet));
  return packets;
}

describe('the outbox', () => {
  it('holds one pong however many pings wait for it, and a new one once it is written', () => {
    const outbox = new Outbox();
    expect(outbox.pushPong('pong')).toBe(true);
    for (let i = 0; i < 100_000; i++) outbox.pushPong('pong');
    expect(outbox.size).toBe(1);
    expect(outbox.bytes).toBe(4);
    expect(outbox.shift()).toMatchObject({ packet: 'pong', kind: 'pong' });
    expect(outbox.hasPong).toBe(false);
    expect(outbox.pushPong('pong')).toBe(true);
    expect(outbox.size).toBe(1);
  });

  it('keeps only the newest display packet, and every command in order', () => {
    const outbox = new Outbox();
    outbox.pushCommand('ok');
    outbox.pushDisplay('[cc:2:1,1,1:0]');
    outbox.pushPong('pong');
    outbox.pushCommand('[cc:r:?:?]');
    outbox.pushDisplay('[cc:2:2,2,2:0]');
    outbox.pushDisplay('[cc:0:?:?]');
    expect(outbox.bytes).toBe(Buffer.byteLength('ok' + 'pong' + '[cc:r:?:?]' + '[cc:0:?:?]'));
    expect(drain(outbox)).toEqual(['ok', 'pong', '[cc:r:?:?]', '[cc:0:?:?]']);
    expect(outbox.bytes).toBe(0);
  });

  it('counts and hands back a packet encoded once as it would the text', () => {
    const outbox = new Outbox();
    const frame = new EncodedPacket('[cc:2:255,65,174:0]');
    outbox.pushCommand('ok');
    outbox.pushDisplay(frame);
    outbox.pushDisplay(new EncodedPacket('[cc:1:?:?]'));
    outbox.pushDisplay(frame);
    expect(outbox.size).toBe(2);
    expect(outbox.bytes).toBe(2 + frame.bytes.length);
    expect(outbox.shift()).toMatchObject({ packet: 'ok', kind: 'command' });
    expect(outbox.shift()).toMatchObject({ packet: frame, kind: 'display' });
    expect(outbox.bytes).toBe(0);
    // The display slot is free again once its packet has been taken.
    outbox.pushDisplay('[cc:0:?:?]');
    outbox.pushDisplay('[cc:1:?:?]');
    expect(drain(outbox)).toEqual(['[cc:1:?:?]']);
  });
});
