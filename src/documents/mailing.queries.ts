import { sql, type Updateable } from 'kysely';
import { monthStart, type Period, periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';
import { LOCK, monthKey } from '../jobs/locks';

/** Serialises starts of one month's mailing until the transaction ends. */
export async function lockMailingStart(tx: DB, period: Period): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK.mailingStart}::int, ${monthKey(period)}::int)`.execute(tx);
}

/** When the month's unfinished mailing started, or null when there is none. */
export async function unfinishedMailingSince(db: DB, period: Period): Promise<Date | null> {
  const running = await db
    .selectFrom('invoice_mailings')
    .select('started_at')
    .where('period', '=', monthStart(period))
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return running ? new Date(running.started_at) : null;
}

/** Opens the month's mailing, or reopens a finished one. */
export async function openMailing(db: DB, period: Period, startedBy: number | null): Promise<void> {
  await sql`
    insert into invoice_mailings (period, started_by) values (${monthStart(period)}::date, ${startedBy})
    on conflict (period) do update set completed_at = null`.execute(db);
}

/** Adds every current subscriber (confirmed address, at least one account) as a recipient; how many were new. */
export async function addSubscribersAsRecipients(db: DB, period: Period): Promise<number> {
  const added = await sql`
    insert into invoice_mailing_recipients (period, user_id)
    select ${monthStart(period)}::date, u.id from users u
    where u.role = 'customer' and u.subscribe_invoices and u.email is not null
      and u.email_confirmed_at is not null
      and exists (select 1 from user_accounts ua where ua.user_id = u.id)
    on conflict (period, user_id) do nothing`.execute(db);
  return Number(added.numAffectedRows ?? 0);
}

/**
 * Brings the planner's statistics of the recipients up to date after a month's recipients were
 * added (a bulk insert: PostgreSQL's advice is to ANALYZE after one). Before, the statistics knew
 * nothing of the new month, or only that its rows were queued, and marking a batch of 50 queued
 * (`markRecipientsQueued`) was planned as a scan of every pending recipient of the month: 57 ms
 * a batch at 100,000 recipients instead of 0.3.
 */
export async function analyzeRecipients(db: DB): Promise<void> {
  await sql`analyze invoice_mailing_recipients`.execute(db);
}

/**
 * The next pending recipients of a month, in user order, with their address and language. The
 * recipients are taken first and their users looked up after: joined in one step, the planner
 * walked the users from the first id to the batch's (18,500 rows half-way through 100,000).
 */
export function pendingRecipients(db: DB, period: Period, limit = 20) {
  const next = db
    .selectFrom('invoice_mailing_recipients')
    .select('user_id')
    .where('period', '=', monthStart(period))
    .where('status', '=', 'pending')
    .orderBy('user_id')
    .limit(limit)
    .as('r');
  return db
    .selectFrom(next)
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.user_id as userId', 'u.email', 'u.locale'])
    .orderBy('r.user_id')
    .execute();
}

/**
 * For each of the users, the ids of their accounts that have a ledger row for the month (so an
 * invoice to render), in the order of accountsOfUser: first linked first, then by number. Users
 * with none are left out. One statement for a batch of recipients.
 */
export async function accountsWithInvoice(
  db: DB,
  userIds: number[],
  period: Period,
): Promise<Map<number, number[]>> {
  const byUser = new Map<number, number[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('user_accounts as ua')
    .innerJoin('accounts as a', 'a.id', 'ua.account_id')
    .select(['ua.user_id', 'a.id'])
    .where('ua.user_id', 'in', userIds)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('account_months as m')
          .select('m.account_id')
          .whereRef('m.account_id', '=', 'a.id')
          .where('m.period', '=', monthStart(period)),
      ),
    )
    .orderBy('ua.user_id')
    .orderBy('ua.created_at')
    .orderBy('a.number')
    .execute();
  for (const row of rows) {
    const accounts = byUser.get(row.user_id);
    if (accounts) accounts.push(row.id);
    else byUser.set(row.user_id, [row.id]);
  }
  return byUser;
}

/** Moves still-pending recipients on: failed (with the error) or skipped (nothing to send). */
export async function settleRecipients(
  db: DB,
  period: Period,
  userIds: number[],
  outcome: { status: 'failed'; error: string } | { status: 'skipped' },
): Promise<void> {
  if (userIds.length === 0) return;
  const set: Updateable<Database['invoice_mailing_recipients']> =
    outcome.status === 'failed'
      ? { status: 'failed', error: outcome.error }
      : { status: 'skipped', updated_at: new Date() };
  await db
    .updateTable('invoice_mailing_recipients')
    .set(set)
    .where('period', '=', monthStart(period))
    .where('user_id', 'in', userIds)
    .where('status', '=', 'pending')
    .execute();
}

/** Marks still-pending recipients queued, each with the id of its message in the outbox. */
export async function markRecipientsQueued(
  db: DB,
  period: Period,
  queued: { userId: number; outboxId: number | null }[],
): Promise<void> {
  if (queued.length === 0) return;
  await sql`
    update invoice_mailing_recipients r
    set status = 'queued', outbox_id = q.outbox_id, updated_at = now()
    from unnest(${queued.map((q) => q.userId)}::int[], ${queued.map((q) => q.outboxId)}::int[])
      as q(user_id, outbox_id)
    where r.period = ${monthStart(period)}::date and r.user_id = q.user_id and r.status = 'pending'`.execute(
    db,
  );
}

export async function completeMailing(db: DB, period: Period): Promise<void> {
  await db
    .updateTable('invoice_mailings')
    .set({ completed_at: new Date() })
    .where('period', '=', monthStart(period))
    .where('completed_at', 'is', null)
    .execute();
}

/** The months whose mailing has not finished. */
export async function unfinishedMailingPeriods(db: DB): Promise<Period[]> {
  const open = await db
    .selectFrom('invoice_mailings')
    .select('period')
    .where('completed_at', 'is', null)
    .execute();
  return open.map((m) => periodOfDay(m.period));
}

/** The newest closed billing month and when it was closed, if any. */
export function newestClosedMonth(db: DB) {
  return db
    .selectFrom('billing_periods')
    .select(['period', 'closed_at'])
    .where('status', '=', 'closed')
    .orderBy('period', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function mailingExists(db: DB, period: Period): Promise<boolean> {
  const row = await db
    .selectFrom('invoice_mailings')
    .select('period')
    .where('period', '=', monthStart(period))
    .executeTakeFirst();
  return row !== undefined;
}

export interface MailingReportRow {
  period: Period;
  startedAt: Date;
  completedAt: Date | null;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  skipped: number;
}

/** Per month: how many invoices were sent, failed, are still pending, or had nothing to send. */
export async function mailingReport(db: DB, period?: Period): Promise<MailingReportRow[]> {
  const rows = await sql<{
    period: string;
    started_at: Date;
    completed_at: Date | null;
    total: number;
    sent: number;
    failed: number;
    pending: number;
    skipped: number;
  }>`
    select m.period, m.started_at, m.completed_at,
      count(r.user_id)::int as total,
      (count(*) filter (where r.status = 'queued' and o.status = 'sent'))::int as sent,
      (count(*) filter (where r.status = 'failed' or o.status = 'failed'))::int as failed,
      (count(*) filter (where r.status = 'pending'
        or (r.status = 'queued' and o.status in ('pending', 'sending'))))::int as pending,
      (count(*) filter (where r.status = 'skipped'))::int as skipped
    from invoice_mailings m
    left join invoice_mailing_recipients r on r.period = m.period
    left join mail_outbox o on o.id = r.outbox_id
    ${period ? sql`where m.period = ${monthStart(period)}::date` : sql``}
    group by m.period, m.started_at, m.completed_at
    order by m.period desc`.execute(db);
  return rows.rows.map((r) => ({
    period: periodOfDay(r.period),
    startedAt: r.started_at,
    completedAt: r.completed_at,
    total: r.total,
    sent: r.sent,
    failed: r.failed,
    pending: r.pending,
    skipped: r.skipped,
  }));
}
