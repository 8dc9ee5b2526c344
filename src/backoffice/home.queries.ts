import { sql } from 'kysely';
import type { DB } from '../db/database';
import type { AuditFilter } from './audit-filter';

/** The figures on the back-office home: readings to review, unanswered questions, current announcements. */
export async function backofficeCounts(
  db: DB,
): Promise<{ flagged: number; questions: number; notes: number }> {
  const counts = await sql<{ flagged: number; questions: number; notes: number }>`
      select (select count(*)::int from readings where status = 'flagged') as flagged,
             (select count(*)::int from questions where status = 'new') as questions,
             (select count(*)::int from notes where ends_on >= current_date) as notes`.execute(db);
  return counts.rows[0] ?? { flagged: 0, questions: 0, notes: 0 };
}

/** Page size of the audit log. */
export const AUDIT_PAGE = 200;

/** Audit log entries, newest first, filtered by actor login, action prefix, time range and page. */
export function auditEntries(db: DB, f: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.subject',
      'audit_log.ip',
      'audit_log.details',
      'users.login',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(AUDIT_PAGE);
  if (f.actor) query = query.where('users.login', '=', f.actor);
  if (f.action) query = query.where('audit_log.action', 'like', `${f.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (f.since) query = query.where('audit_log.at', '>=', f.since);
  if (f.until) query = query.where('audit_log.at', '<', f.until);
  if (f.before) query = query.where('audit_log.id', '<', f.before);
  return query.execute();
}

export type AuditEntry = Awaited<ReturnType<typeof auditEntries>>[number];
