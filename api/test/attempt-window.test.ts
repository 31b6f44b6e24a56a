import { describe, expect, it } from 'vitest';
import { attemptSource, AttemptWindow } from '../src/access/attempt-window.js';

describe("whom an address's attempts count against", () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::1%eth0', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (address, source) => {
    expect(attemptSource(address)).toBe(source);
  });
});

describe('an attempt window', () => {
  it('holds no more than its number of keys', () => {
    const window = new AttemptWindow(3, 60_000, 100);
    for (let i = 0; i < 1000; i++) window.count(`10.0.${i >> 8}.${i & 0xff}`, 1000 + i);
    expect(window.size).toBe(100);
    // The newest keys are the ones still held to their limit.
    for (let n = 0; n < 2; n++) window.count('10.0.3.231', 2000);
    expect(window.retryAfterMs('10.0.3.231', 2000)).toBeGreaterThan(0);
  });
});
