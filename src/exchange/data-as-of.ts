import type { DB } from '../db/database';

/**
 * When the cabinet's charges and payments were last refreshed from the billing system: the time
 * of the last successful import (the demo sets it to the last Monday's scheduled run). Pages show
 * it as "data as of".
 */
export async function billingDataAsOf(db: DB): Promise<Date | null> {
  const row = await db
    .selectFrom('app_state')
    .select('value')
    .where('key', '=', 'billing_data_as_of')
    .executeTakeFirst();
  if (!row || typeof row.value !== 'string') return null;
  const at = new Date(row.value);
  return Number.isNaN(at.getTime()) ? null : at;
}
