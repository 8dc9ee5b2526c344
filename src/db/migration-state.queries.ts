import { sql } from 'kysely';
import { type DB, prepared } from './database';

/** PostgreSQL's code for a table that does not exist. */
const UNDEFINED_TABLE = '42P01';

/**
 * The names of the migrations the database has run, read from the migrator's own table
 * (`kysely_migration`); none when the table is not there yet (an empty database).
 */
export async function executedMigrationNames(db: DB): Promise<Set<string>> {
  try {
    const result = await sql<{ name: string }>`${prepared}select name from kysely_migration`.execute(db);
    return new Set(result.rows.map((r) => r.name));
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return new Set();
    throw error;
  }
}
