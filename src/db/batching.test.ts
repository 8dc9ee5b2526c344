import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { batched } from './batching';
import { isDatabaseUnavailable } from './unavailable';

/** A batch function that records each batch it was given and answers after `until` resolves. */
function recorder(answer: (n: number) => number | Error = (n) => n * 10) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  return {
    batches,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release: () => release(),
    run: async (inputs: readonly number[]) => {
      batches.push([...inputs]);
      await gate;
      return inputs.map(answer);
    },
  };
}

describe('batched statements', () => {
  it('answers calls made in the same turn of the event loop with one batch, each its own value', async () => {
    const r = recorder();
    const call = batched(r.run, { maxBatch: 64, maxInFlight: 2 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(call));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('splits at maxBatch', async () => {
    const r = recorder();
    const call = batched(r.run, { maxBatch: 2, maxInFlight: 4 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(call))).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('while maxInFlight batches run, later calls wait and go together in the next batch', async () => {
    const r = recorder();
    const call = batched(r.run, { maxBatch: 64, maxInFlight: 1 });
    r.hold();
    const first = call(1);
    await new Promise((done) => setImmediate(done));
    await new Promise((done) => setImmediate(done));
    expect(r.batches).toEqual([[1]]);
    // Arriving in different turns while the first batch is in flight.
    const later = [call(2)];
    await new Promise((done) => setImmediate(done));
    later.push(call(3));
    await new Promise((done) => setImmediate(done));
    later.push(call(4));
    expect(r.batches).toEqual([[1]]);
    r.release();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('an Error answered for one input rejects that call only', async () => {
    const r = recorder((n) => (n === 2 ? new Error('two is refused') : n * 10));
    const call = batched(r.run, { maxBatch: 64, maxInFlight: 2 });
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([
      10,
      'two is refused',
      30,
    ]);
  });

  it('when a batch fails as a whole, each call is run alone, so only the failing one rejects', async () => {
    const batches: number[][] = [];
    const call = batched(
      async (inputs: readonly number[]) => {
        batches.push([...inputs]);
        if (inputs.includes(2)) throw new Error('statement failed');
        return inputs.map((n) => n * 10);
      },
      { maxBatch: 64, maxInFlight: 2 },
    );
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([
      10,
      'statement failed',
      30,
    ]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('a database that cannot be reached is tried once more, not once per call', async () => {
    // A port nothing listens on: the real refusal pg reports for a server that is down.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    let tries = 0;
    const call = batched(
      async (inputs: readonly number[]) => {
        tries += 1;
        const client = new pg.Client({
          host: '127.0.0.1',
          port,
          user: 'nobody',
          connectionTimeoutMillis: 2000,
        });
        await client.connect();
        await client.end();
        return inputs.map((n) => n);
      },
      { maxBatch: 64, maxInFlight: 2 },
    );
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => call(i)));
    expect(results.every((r) => r.status === 'rejected' && isDatabaseUnavailable(r.reason))).toBe(true);
    // The batch, then its first call alone; the 19 others fail with that answer.
    expect(tries).toBe(2);
  });

  it('a batch whose connection was lost is asked again call by call, and each gets its answer', async () => {
    const batches: number[][] = [];
    const call = batched(
      async (inputs: readonly number[]) => {
        batches.push([...inputs]);
        if (batches.length === 1)
          throw Object.assign(new Error('terminating connection due to administrator command'), {
            code: '57P01',
          });
        return inputs.map((n) => n * 10);
      },
      { maxBatch: 64, maxInFlight: 2 },
    );
    expect(await Promise.all([1, 2, 3].map(call))).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('retries after a failed batch run one at a time in its slot; calls made meanwhile wait for it', async () => {
    let running = 0;
    let most = 0;
    const batches: number[][] = [];
    const call = batched(
      async (inputs: readonly number[]) => {
        running += 1;
        most = Math.max(most, running);
        batches.push([...inputs]);
        await new Promise((done) => setTimeout(done, 5));
        running -= 1;
        if (inputs.length > 1 || inputs[0] === 2) throw new Error('statement failed');
        return inputs.map((n) => n * 10);
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    const first = [1, 2, 3].map((n) => call(n).catch((e: Error) => e.message));
    await new Promise((done) => setImmediate(done));
    await new Promise((done) => setImmediate(done));
    const later = call(4);
    expect(await Promise.all(first)).toEqual([10, 'statement failed', 30]);
    expect(await later).toBe(40);
    expect(most).toBe(1);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3], [4]]);
  });

  it('a batch answered with the wrong number of values rejects every call, none resolves empty', async () => {
    const call = batched(async (inputs: readonly number[]) => inputs.slice(1).map((n) => n * 10), {
      maxBatch: 64,
      maxInFlight: 2,
    });
    const results = await Promise.allSettled([1, 2].map(call));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : ''))).toEqual([
      'batch of 1 answered 0 times',
      'batch of 1 answered 0 times',
    ]);
  });

  it('keeps working after failures: the in-flight slots are given back', async () => {
    let fail = true;
    const call = batched(
      async (inputs: readonly number[]) => {
        if (fail) throw new Error('down');
        return inputs.map((n) => n + 1);
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    for (let i = 0; i < 3; i++) await expect(call(i)).rejects.toThrow('down');
    fail = false;
    expect(await Promise.all([call(1), call(2)])).toEqual([2, 3]);
  });
});
