import { type Kysely, sql } from 'kysely';

/**
 * Readings: the newest submission of a meter's month is looked up on every page and submission
 * (corrections are new rows), so index (meter, period, id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists readings_meter_period_idx on readings (meter_id, period desc, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists readings_meter_period_idx`.execute(db);
}
