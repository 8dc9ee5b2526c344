import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { openDatabase } from './database';
import { migrateToLatest, pendingMigrations } from './migrate';
import { migrations } from './migrations/index';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let migrated: TestDatabase;
beforeAll(async () => {
  migrated = await testDatabase();
});
afterAll(async () => migrated?.close());

describe(`pendingMigrations (${engine})`, () => {
  it('none on a migrated database; the one that was not run when one is missing', async () => {
    expect(await pendingMigrations(migrated.db)).toEqual([]);
    await migrated.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '0700_personal_data_consent' as never)
      .execute();
    expect(await pendingMigrations(migrated.db)).toEqual(['0700_personal_data_consent']);
  });

  it('every one on an empty database (no migration table yet), and none after migrating it', async () => {
    const empty = await openDatabase({ dataDir: 'memory://' });
    try {
      expect(await pendingMigrations(empty.db)).toEqual(Object.keys(migrations));
      await migrateToLatest(empty.db);
      expect(await pendingMigrations(empty.db)).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});
