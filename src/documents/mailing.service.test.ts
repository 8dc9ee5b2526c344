import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import type { DB } from '../db/database';
import { mailingReport } from './mailing';
import { startMailingAsOperator } from './mailing.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let handle: TestDatabase;
let db: DB;
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 10, months: 3 });
  db = handle.db;
});
afterAll(async () => handle?.close());

const request = { staffUserId: null, ip: '192.0.2.1', limit: async () => 0 };
const audits = () =>
  db
    .selectFrom('audit_log')
    .select(['action', 'subject', 'details'])
    .where('action', 'like', 'mailing.start%')
    .orderBy('id')
    .execute();

describe(`startMailingAsOperator (${engine})`, () => {
  it('refuses a malformed or unfinished month without counting or writing', async () => {
    let counted = false;
    const limit = async () => {
      counted = true;
      return 0;
    };
    expect(await startMailingAsOperator(db, { ...request, limit, period: '2026-13' })).toEqual({
      kind: 'badPeriod',
    });
    expect(await startMailingAsOperator(db, { ...request, limit, period: '2999-01' })).toEqual({
      kind: 'badPeriod',
    });
    expect(counted).toBe(false);
    expect(await mailingReport(db)).toEqual([]);
  });

  it('starts a month once, says since when it runs on a second start, and audits both', async () => {
    const started = await startMailingAsOperator(db, { ...request, period: '2026-09' });
    expect(started.kind).toBe('started');
    const recipients = started.kind === 'started' ? started.recipients : -1;
    expect((await mailingReport(db, '2026-09'))[0]?.total).toBe(recipients);
    const again = await startMailingAsOperator(db, { ...request, period: '2026-09' });
    expect(again.kind).toBe('busy');
    expect(await audits()).toEqual([
      { action: 'mailing.start', subject: '2026-09', details: { recipients } },
      {
        action: 'mailing.start.busy',
        subject: '2026-09',
        details: { since: again.kind === 'busy' ? again.since.toISOString() : '' },
      },
    ]);
  });

  it("leaves the planner's statistics knowing the month's recipients", async () => {
    // Without them, marking a batch queued was planned as a scan of every pending recipient.
    const started = await startMailingAsOperator(db, { ...request, period: '2026-07' });
    expect(started.kind).toBe('started');
    const stats = await sql<{ vals: string | null }>`
      select most_common_vals::text as vals from pg_stats
      where tablename = 'invoice_mailing_recipients' and attname = 'period'`.execute(db);
    expect(stats.rows[0]?.vals).toContain('2026-07-01');
  });

  it('a passed limit is audited and starts nothing', async () => {
    const result = await startMailingAsOperator(db, {
      ...request,
      period: '2026-08',
      limit: async () => 600,
    });
    expect(result).toEqual({ kind: 'limited', wait: 600 });
    expect(await mailingReport(db, '2026-08')).toEqual([]);
    expect((await audits()).at(-1)).toEqual({
      action: 'mailing.start.limited',
      subject: '2026-08',
      details: { wait: 600 },
    });
  });
});
