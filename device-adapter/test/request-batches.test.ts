import { describe, expect, it } from 'vitest';
import { RequestBatches } from '../src/request-batches.js';

/** An API stand-in that records each request it gets and answers every item doubled. */
function recordingApi(options: { batched: boolean; burstSpacingMs?: number }) {
  const requests: (number | number[])[] = [];
  const api = {
    many: (items: number[]) => {
      requests.push([...items]);
      if (!options.batched) return Promise.reject(new Error('Cannot query field "admitLamps" on type "Mutation".'));
      return Promise.resolve(items.map((item) => item * 2));
    },
    one: (item: number) => {
      requests.push(item);
      return Promise.resolve(item * 2);
    },
    max: 3,
    burstSpacingMs: options.burstSpacingMs ?? 0,
    unsupported: /Cannot query field "admitLamps"/,
  };
  return { requests, api };
}

describe('RequestBatches', () => {
  it('sends what arrives in one turn of the event loop together, at most `max` per request, answering each item its own', async () => {
    const { requests, api } = recordingApi({ batched: true });
    const batches = new RequestBatches(api);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => batches.add(item)));
    expect(answers).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(requests).toEqual([[1, 2, 3], [4, 5, 6], [7]]);

    // A later turn is a request of its own.
    expect(await batches.add(8)).toBe(16);
    expect(requests.at(-1)).toEqual([8]);
  });

  it('in a burst, sends what arrives over the next turns together once the spacing has passed', async () => {
    const { requests, api } = recordingApi({ batched: true, burstSpacingMs: 300 });
    const batches = new RequestBatches(api);
    const burst = [batches.add(1), batches.add(2)];
    await Promise.all(burst);
    expect(requests).toEqual([[1, 2]]);

    // A few items a turn, as lamps reach the event loop in a storm.
    const later: Promise<number>[] = [];
    for (const item of [3, 4, 5]) {
      later.push(batches.add(item));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(requests).toEqual([[1, 2]]);
    expect(await Promise.all(later)).toEqual([6, 8, 10]);
    expect(requests).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('sends a lone item, and the first request of a burst, without waiting for the spacing', async () => {
    // A wait of a minute would fail the test by its timeout.
    const { requests, api } = recordingApi({ batched: true, burstSpacingMs: 60_000 });
    const batches = new RequestBatches(api);
    expect(await batches.add(1)).toBe(2);
    expect(await batches.add(2)).toBe(4);
    expect(await Promise.all([batches.add(3), batches.add(4)])).toEqual([6, 8]);
    expect(requests).toEqual([[1], [2], [3, 4]]);
  });

  it('asks an API without the batched operation one item at a time, from then on, until the link changes', async () => {
    const { requests, api } = recordingApi({ batched: false });
    const batches = new RequestBatches(api);
    expect(await Promise.all([1, 2].map((item) => batches.add(item)))).toEqual([2, 4]);
    expect(await batches.add(3)).toBe(6);
    expect(requests).toEqual([[1, 2], 1, 2, 3]);

    batches.linkChanged();
    await batches.add(4);
    expect(requests.slice(4)).toEqual([[4], 4]);
  });

  it('fails every item of a request that fails, and only those', async () => {
    const batches = new RequestBatches<number, number>({
      many: (items) => (items.includes(0) ? Promise.reject(new Error('the API link is down')) : Promise.resolve(items)),
      one: (item) => Promise.resolve(item),
      max: 2,
      burstSpacingMs: 0,
      unsupported: /Cannot query field/,
    });
    const settled = await Promise.allSettled([1, 0, 3].map((item) => batches.add(item)));
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });

  it('fails the items of an answer that does not have one entry per item', async () => {
    const batches = new RequestBatches<number, number>({
      many: () => Promise.resolve([1]),
      one: (item) => Promise.resolve(item),
      max: 5,
      burstSpacingMs: 0,
      unsupported: /Cannot query field/,
    });
    await expect(Promise.all([1, 2].map((item) => batches.add(item)))).rejects.toThrow('the API answered 1 times for 2 items');
  });
});
