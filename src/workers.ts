import type { FastifyBaseLogger } from 'fastify';
import { purgeExpiredSessions } from './auth/sessions';
import type { Config } from './config';
import type { DB, Engine } from './db/database';

export interface Workers {
  stop(): Promise<void>;
}

export interface WorkerDeps {
  db: DB;
  config: Config;
  engine: Engine;
  log: FastifyBaseLogger;
}

/**
 * Background work of an app process. Each capability adds its worker here
 * (mail delivery, monthly mailing, scheduled exchange); all state lives in the database,
 * so several app processes can run them side by side.
 */
export function startWorkers(deps: WorkerDeps): Workers {
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((err) => deps.log.error({ err }, `${name} failed`));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  every(3600_000, 'session cleanup', () => purgeExpiredSessions(deps.db));
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}
