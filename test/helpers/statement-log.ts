import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type { DB } from '../../src/db/database';
import type { Database } from '../../src/db/schema';

/**
 * The same database seen through a Kysely of its own that lists every statement it sends,
 * including those Kysely sends without plugins (the migrator's introspection of the catalogs):
 * for tests of how many statements a request costs, and (with their parameters) of how they are
 * planned.
 */
export function statementLog(db: DB): { db: DB; sent: string[]; compiled: CompiledQuery[] } {
  const sent: string[] = [];
  const compiled: CompiledQuery[] = [];
  const executor = db.getExecutor();
  const releases = new WeakMap<DatabaseConnection, () => void>();
  const driver: Driver = {
    init: async () => {},
    acquireConnection: () =>
      new Promise((resolve, reject) => {
        executor
          .provideConnection(
            (connection) =>
              new Promise<void>((release) => {
                const logged: DatabaseConnection = {
                  executeQuery: (query) => {
                    sent.push(query.sql);
                    compiled.push(query);
                    return connection.executeQuery(query);
                  },
                  streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
                };
                releases.set(logged, release);
                resolve(logged);
              }),
          )
          .catch(reject);
      }),
    beginTransaction: async (c) => {
      await c.executeQuery(CompiledQuery.raw('begin'));
    },
    commitTransaction: async (c) => {
      await c.executeQuery(CompiledQuery.raw('commit'));
    },
    rollbackTransaction: async (c) => {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    },
    releaseConnection: async (c) => releases.get(c)?.(),
    destroy: async () => {},
  };
  const logged = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db: logged, sent, compiled };
}
