import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { statementLog } from '../../test/helpers/statement-log';
import { billingPeriodRow } from './billing-periods.queries';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

describe(`billingPeriodRow (${engine})`, () => {
  it('answers months asked together with one statement, each its own row', async () => {
    const closedAt = new Date('2026-10-01T03:00:00Z');
    await h.db
      .insertInto('billing_periods')
      .values([
        { period: '2026-09-01', status: 'closed', closed_at: closedAt },
        { period: '2026-10-01', status: 'open' },
      ])
      .execute();
    const { db, sent } = statementLog(h.db);
    const [closed, open, missing, closedAgain] = await Promise.all([
      billingPeriodRow(db, '2026-09-01'),
      billingPeriodRow(db, '2026-10-01'),
      billingPeriodRow(db, '2026-11-01'),
      billingPeriodRow(db, '2026-09-01'),
    ]);
    expect(sent).toHaveLength(1);
    expect(closed).toEqual({ status: 'closed', closedAt });
    expect(open).toEqual({ status: 'open', closedAt: null });
    expect(missing).toBeNull();
    expect(closedAgain).toEqual(closed);
  });

  it('answers a later question from what is stored then, not from an earlier answer', async () => {
    expect(await billingPeriodRow(h.db, '2026-12-01')).toBeNull();
    await h.db.insertInto('billing_periods').values({ period: '2026-12-01', status: 'open' }).execute();
    expect(await billingPeriodRow(h.db, '2026-12-01')).toEqual({ status: 'open', closedAt: null });
  });
});
