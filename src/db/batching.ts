import DataLoader from 'dataloader';
import { isDatabaseUnavailable } from './unavailable';

export interface BatchOptions {
  /** Most calls answered by one statement. */
  maxBatch: number;
  /** Most statements of this kind in flight at once; calls made meanwhile wait and join the next batch. */
  maxInFlight: number;
}

/**
 * The hot statements' batches (session lookups, reading submissions). Two in flight, so one batch
 * is gathered while the other waits for its commit; with four, or eight, the batches got smaller
 * and the submissions' p99 rose (docs/decisions/021-batched-statements.md has the figures).
 */
export const STATEMENT_BATCHES: BatchOptions = { maxBatch: 64, maxInFlight: 2 };

/**
 * Calls of one kind made while the event loop is busy, answered by one database statement per
 * batch (docs/decisions/021-batched-statements.md). A call waits at most one turn of the event
 * loop while no batch is in flight; under load, calls gather while `maxInFlight` batches run, so
 * one statement and one commit serve many requests. `run` answers every input of a batch, in order,
 * with a value or an Error for that input alone; when it throws (or answers a different number of
 * inputs), each input of a larger batch is run on its own, one after another in the batch's slot,
 * so one failing call cannot fail the others (and a batch whose connection was lost, its commit
 * perhaps done, is asked again call by call: a submission finds itself stored by its key). Once a
 * call run on its own fails because the database cannot be reached, the calls not yet run fail
 * with that error: the last caller of 64 no longer waits for 64 failed connections (5 s each when
 * the server does not answer) before its "temporarily unavailable" page.
 */
export function batched<I, O>(run: (inputs: readonly I[]) => Promise<(O | Error)[]>, options: BatchOptions) {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const done = () => {
    const next = waiting.shift();
    if (next) setImmediate(next);
    else inFlight -= 1;
  };
  const answers = async (inputs: readonly I[]): Promise<(O | Error)[]> => {
    const out = await run(inputs);
    if (out.length !== inputs.length)
      throw new Error(`batch of ${inputs.length} answered ${out.length} times`);
    return out;
  };
  const loader = new DataLoader<I, O>(
    async (inputs) => {
      try {
        return await answers(inputs);
      } catch (error) {
        if (inputs.length === 1) throw error;
        // One after another, in this batch's slot: a failing database is not sent more at once.
        const alone: (O | Error)[] = [];
        let away: Error | undefined;
        for (const input of inputs) {
          if (away) {
            alone.push(away);
            continue;
          }
          try {
            alone.push((await answers([input]))[0]!);
          } catch (e) {
            const failed = e instanceof Error ? e : new Error(String(e));
            alone.push(failed);
            if (isDatabaseUnavailable(failed)) away = failed;
          }
        }
        return alone;
      } finally {
        done();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatch,
      batchScheduleFn: (dispatch) => {
        if (inFlight < options.maxInFlight) {
          inFlight += 1;
          setImmediate(dispatch);
        } else {
          waiting.push(dispatch);
        }
      },
    },
  );
  return (input: I): Promise<O> => loader.load(input);
}

/** One batcher per database handle, made on first use. */
export function perDatabase<D extends object, I, O>(make: (db: D) => (input: I) => Promise<O>) {
  const made = new WeakMap<D, (input: I) => Promise<O>>();
  return (db: D): ((input: I) => Promise<O>) => {
    let fn = made.get(db);
    if (!fn) {
      fn = make(db);
      made.set(db, fn);
    }
    return fn;
  };
}
