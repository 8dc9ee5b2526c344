import type { FastifyInstance } from 'fastify';
import { type DB, type Engine, probeDb } from '../db/database';
import { pendingMigrations } from '../db/migrate';

/** What the process knows about itself that the readiness check reports. */
export interface Health {
  /** The job queue (pg-boss and the workers) runs in this process. */
  jobsRunning: boolean;
  /**
   * Whether this process is meant to run the job queue: not with ROLE=web (decision 125), whose
   * readiness then asks only for the database.
   */
  jobsExpected: boolean;
  /** A shutdown has begun: finish what is in flight, take nothing new. */
  shuttingDown: boolean;
}

export function createHealth(): Health {
  return { jobsRunning: false, jobsExpected: true, shuttingDown: false };
}

/**
 * /health/live: the process is up (nothing else is asked; a load balancer restarts it otherwise).
 * /health/ready: it can serve — the database answers a real query (on a connection of its own,
 * `probeDb`, not behind the requests), every migration of this code has run, the job queue runs,
 * and no shutdown has begun; 503 with the failing checks otherwise.
 * /health is the liveness check, as it always was (docs/decisions/081-health-and-shutdown.md).
 */
export async function healthRoutes(app: FastifyInstance, deps: { db: DB; engine: Engine; health: Health }) {
  // While shutting down, every response closes its connection: a request in flight when the
  // server began to close ends its keep-alive connection too, so the close is not held up.
  app.addHook('onSend', async (_req, reply) => {
    if (deps.health.shuttingDown) reply.header('connection', 'close');
  });
  const live = async () => ({ ok: true, engine: deps.engine });
  app.get('/health', live);
  app.get('/health/live', live);
  app.get('/health/ready', async (_req, reply) => {
    const checks = {
      database: false,
      migrations: false,
      jobs: deps.health.jobsRunning,
      shuttingDown: deps.health.shuttingDown,
    };
    if (!checks.shuttingDown) {
      try {
        checks.migrations = (await pendingMigrations(probeDb(deps.db))).length === 0;
        checks.database = true;
      } catch {
        // Unreachable or closed: not ready.
      }
    }
    const jobsOk = checks.jobs || !deps.health.jobsExpected;
    const ok = checks.database && checks.migrations && jobsOk && !checks.shuttingDown;
    reply.code(ok ? 200 : 503).header('cache-control', 'no-store');
    return { ok, engine: deps.engine, ...checks };
  });
}
