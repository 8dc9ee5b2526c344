import { Gauge, type Registry } from 'prom-client';
import { type DB, type Engine, serverPool } from '../db/database';
import { type OutboxState, outboxState } from '../mail/outbox.queries';
import { lastSuccessfulExchanges, queuedJobs } from './metrics.queries';

/** How long one gathering of the database-backed gauges is reused: scrapes never pile up queries. */
export const GAUGE_CACHE_MS = 5000;

interface Snapshot {
  outbox: OutboxState;
  exchanges: { kind: string; finishedAt: Date }[];
  jobs: { name: string; waiting: number; oldestSeconds: number }[];
}

/**
 * The gauges read from the database — outbox, job queue, last successful exchange — gathered when
 * /metrics is scraped (at most once per GAUGE_CACHE_MS, whatever the number of scrapers), never
 * per request; and the PostgreSQL connection pool's use (none on the embedded database, which has
 * one connection). docs/decisions/083-metrics-and-request-ids.md.
 */
export function registerDatabaseGauges(registry: Registry, deps: { db: DB; engine: Engine }) {
  let cached: { at: number; value: Promise<Snapshot | null> } | null = null;
  const snapshot = (): Promise<Snapshot | null> => {
    const now = Date.now();
    if (!cached || now - cached.at >= GAUGE_CACHE_MS) {
      cached = {
        at: now,
        value: (async () => ({
          outbox: await outboxState(deps.db),
          exchanges: await lastSuccessfulExchanges(deps.db),
          jobs: await queuedJobs(deps.db),
        }))().catch(() => null), // The database is away: the gauges are left out (readiness says why).
      };
    }
    return cached.value;
  };

  new Gauge({
    name: 'mail_outbox_messages',
    help: 'Messages in the mail outbox: pending (waiting or being sent) and failed (given up on).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      if (!s) return;
      this.set({ status: 'pending' }, s.outbox.waiting);
      this.set({ status: 'failed' }, s.outbox.failed);
    },
  });
  new Gauge({
    name: 'mail_outbox_retrying_messages',
    help: 'Messages waiting in the mail outbox after at least one failed attempt (the SMTP server refused or was away).',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      if (s) this.set(s.outbox.retrying);
    },
  });
  new Gauge({
    name: 'mail_outbox_oldest_pending_age_seconds',
    help: 'How long the oldest message waiting in the mail outbox has waited (0 when none waits).',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      if (s) this.set(s.outbox.oldestWaitingSeconds);
    },
  });
  new Gauge({
    name: 'exchange_last_success_timestamp_seconds',
    help: 'When the last successful exchange run with the billing system finished (Unix time), by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const run of s?.exchanges ?? []) this.set({ kind: run.kind }, run.finishedAt.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'job_queue_waiting',
    help: 'Jobs waiting in the queue (created or to be retried), by job name.',
    labelNames: ['name'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const job of s?.jobs ?? []) this.set({ name: job.name }, job.waiting);
    },
  });
  new Gauge({
    name: 'job_queue_oldest_age_seconds',
    help: 'Age of the oldest job waiting in the queue, by job name.',
    labelNames: ['name'] as const,
    registers: [registry],
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const job of s?.jobs ?? []) this.set({ name: job.name }, job.oldestSeconds);
    },
  });

  const pool = deps.engine === 'postgres' ? serverPool(deps.db) : undefined;
  if (pool) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL connection pool: connections open (total), idle, and requests waiting for one.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}
