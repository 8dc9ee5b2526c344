import { sql } from 'kysely';
import type { DB } from '../db/database';
import type { ExchangeKind } from '../db/schema';

export interface RunRow {
  id: number;
  kind: ExchangeKind;
  file: string;
  started_at: Date;
  status: 'running' | 'succeeded' | 'rejected' | 'failed';
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  errors: unknown;
}

/** The latest imports and exports, newest first. */
export async function latestExchangeRuns(db: DB, limit = 20): Promise<RunRow[]> {
  return (await db
    .selectFrom('exchange_runs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()) as unknown as RunRow[];
}

export interface MailReportRow {
  month: string;
  purpose: string;
  status: string;
  n: number;
}

/** The mail queue of the last 12 months, counted by month, purpose and status. */
export async function mailReportByMonth(db: DB): Promise<MailReportRow[]> {
  const mail = await sql<MailReportRow>`
      select to_char(created_at, 'YYYY-MM') as month, purpose, status, count(*)::int as n
      from mail_outbox where created_at > now() - interval '12 months'
      group by 1, 2, 3 order by 1 desc, 2, 3`.execute(db);
  return mail.rows;
}
