import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSteadySender } from '../src/lib/steady-sender';

// The sender runs on timers and a clock alone, so simulated time drives it: every interval is
// exact, and a busy machine cannot change what a test sees.
beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const now = () => Date.now();

/** A server that answers after `latencyMs`, recording what it got and when. */
function fakeServer(latencyMs: number) {
  const received: { value: number; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    received,
    get maxInFlight() {
      return maxInFlight;
    },
    send: async (value: number) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      received.push({ value, at: now() });
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      inFlight--;
    },
  };
}

/** Lets simulated time run until no timer is left, then waits for everything to be answered. */
async function settle(sender: { settled(): Promise<void> }): Promise<void> {
  await vi.runAllTimersAsync();
  await sender.settled();
}

describe('steady sender', () => {
  it('paces a fast drag, keeps one request in flight, and always ends on the last value', async () => {
    const server = fakeServer(5);
    const sender = createSteadySender(server.send, { minGapMs: 50, now });
    // A finger moving for 600 ms, a new value every 4 ms.
    for (let value = 1; value <= 150; value++) {
      sender.push(value);
      await vi.advanceTimersByTimeAsync(4);
    }
    await settle(sender);
    expect(server.received.at(-1)?.value).toBe(150);
    expect(server.maxInFlight).toBe(1);
    // About 20 a second at most: well under the 150 values offered.
    expect(server.received.length).toBeLessThanOrEqual(15);
    expect(server.received.length).toBeGreaterThanOrEqual(8);
    const values = server.received.map((r) => r.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    for (let i = 1; i < server.received.length; i++) {
      expect(server.received[i]!.at - server.received[i - 1]!.at).toBeGreaterThanOrEqual(50);
    }
  });

  it('sends a single change at once', async () => {
    const server = fakeServer(1);
    const sender = createSteadySender(server.send, { minGapMs: 50, now });
    sender.push(7);
    expect(server.received).toEqual([{ value: 7, at: 0 }]);
    await settle(sender);
  });

  it('waits for a slow server instead of piling requests up', async () => {
    const server = fakeServer(120);
    const sender = createSteadySender(server.send, { minGapMs: 10, now });
    for (let value = 1; value <= 30; value++) {
      sender.push(value);
      await vi.advanceTimersByTimeAsync(10);
    }
    await settle(sender);
    expect(server.maxInFlight).toBe(1);
    expect(server.received.length).toBeLessThanOrEqual(5);
    expect(server.received.at(-1)?.value).toBe(30);
    // Each request goes out only once the one before it was answered.
    for (let i = 1; i < server.received.length; i++) {
      expect(server.received[i]!.at - server.received[i - 1]!.at).toBeGreaterThanOrEqual(120);
    }
  });

  it('keeps going after a failed request', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const sender = createSteadySender(
      (value: number) => {
        calls++;
        return value === 1 ? Promise.reject(new Error('offline')) : Promise.resolve();
      },
      { minGapMs: 0, now, onError: (error) => errors.push(error) },
    );
    sender.push(1);
    sender.push(2);
    await settle(sender);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
