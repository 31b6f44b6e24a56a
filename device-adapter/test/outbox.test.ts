import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.js';

function drain(outbox: Outbox): string[] {
  const packets: string[] = [];
  for (let item = outbox.shift(); item; item = outbox.shift()) packets.push(item.packet);
  return packets;
}

describe('the outbox', () => {
  it('holds one pong however many pings wait for it, and a new one once it is written', () => {
    const outbox = new Outbox();
    expect(outbox.pushPong('pong')).toBe(true);
    for (let i = 0; i < 100_000; i++) outbox.pushPong('pong');
    expect(outbox.size).toBe(1);
    expect(outbox.bytes).toBe(4);
    expect(outbox.shift()).toEqual({ packet: 'pong', kind: 'pong' });
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
});
