/**
 * Reads that many documents rendered together share, each done once: a delivery batch renders
 * dozens of invoices of one month, and the month's closing, "data as of", the tariffs of a kind of
 * customer and the norms are the same for all of them. A read is keyed by what it depends on; a
 * failed read is forgotten, so the next document tries again. Keep one for a batch (seconds), not
 * longer: the figures it holds change with the next exchange.
 */
export class SharedReads {
  private readonly reads = new Map<string, Promise<unknown>>();

  /** The result of `read` under `key`, read on the first call only. */
  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.reads.set(key, pending);
      pending.catch(() => this.reads.delete(key));
    }
    return pending;
  }
}

/** Reads each time: for a single document (a page, a download). */
export const readEachTime = { get: <T>(_key: string, read: () => Promise<T>): Promise<T> => read() };

export type Reads = Pick<SharedReads, 'get'>;
