/**
 * Every PostgreSQL advisory lock key of the application, in one place, so no two features take
 * the same number by accident. One-number keys (`pg_advisory_xact_lock(k)`) and the first number
 * of two-number keys (`pg_advisory_lock(k, n)`) share this list. The statements that take and
 * give back these keys are in ./advisory-locks.queries.ts.
 */
export const LOCK = {
  /** The export's claim of unexported readings (src/exchange/export.service.ts). */
  exportClaim: 400100,
  /** One billing run's transaction at a time (src/billing/month-closer.service.ts). */
  billingRun: 400200,
  /** A month's readings against its closing; second number: the month (src/billing/month-lock.ts). */
  monthChanges: 400201,
  /** Single-flight runs; second number: the run (RUN_KEY below, src/jobs/single-flight.ts). */
  run: 400300,
  /** A month's invoice mailing run; second number: the month (src/documents/mailing.ts). */
  mailingRun: 400301,
  /** Starting a month's invoice mailing; second number: the month. */
  mailingStart: 400302,
  /** A living app or CLI process; second number: its instance id (src/jobs/instance.ts). */
  instance: 400400,
} as const;

/** Second numbers of LOCK.run. */
export const RUN_KEY = {
  exchange: 1,
  monthClosing: 2,
} as const;

/** The month 'YYYY-MM' or 'YYYY-MM-01' as a lock's second number. */
export function monthKey(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}
