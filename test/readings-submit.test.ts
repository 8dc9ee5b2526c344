// Storing a submission (submitReadings and its one statement): all or nothing, limits, keys, concurrency.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { lockMonthForClosing } from '../src/billing/month-lock.queries';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { insertValidSubmission, meterStates, submissionContext } from '../src/readings/readings.queries';
import { submitReadings } from '../src/readings/submit-readings.service';
import { Browser, testApp, textOf } from './helpers/app';
import { meteredAccountsWithoutUser } from './helpers/db';
import {
  accountId,
  clearCurrentMonth,
  cold,
  currentRows,
  ENGINE,
  hot,
  keyOf,
  m3,
  period,
  previousL,
  setMonthStatus,
  signedIn,
  t,
  useReadingsApp,
} from './helpers/readings';

useReadingsApp();

describe(`storing a submission (${ENGINE})`, () => {
  const user = async () =>
    (
      await t.handle.db
        .selectFrom('users')
        .select('id')
        .where('login', '=', '02015213')
        .executeTakeFirstOrThrow()
    ).id;
  /** insertValidSubmission for account 02015213, with the rules' switches as given. */
  /** The id of 02015213's user, read once, so calls made together reach the batch together. */
  let me = 0;
  beforeAll(async () => {
    me = await user();
  });
  const storeValid = (
    rows: [meterId: number, valueL: number, key: string][],
    options: { confirmPartial?: boolean; confirmLarge?: boolean; maxPerMonth?: number } = {},
  ) =>
    insertValidSubmission(t.handle.db, {
      userId: me,
      accountNumber: '02015213',
      period,
      readOn: period,
      rows: rows.map(([meterId, valueL, idempotencyKey]) => ({
        meterId,
        valueL,
        idempotencyKey,
        limitL: 30_000,
      })),
      maxPerMonth: options.maxPerMonth ?? 20,
      confirmPartial: options.confirmPartial ?? false,
      confirmLarge: options.confirmLarge ?? false,
    });

  it('the one-statement guard stores all meters of a submission or none: lower, another account, partial, large, closed month', async () => {
    await clearCurrentMonth();
    const account = await accountId('02015213');
    const prevCold = await previousL('31883369');
    const prevHot = await previousL('31883423');
    const other = await t.handle.db
      .selectFrom('meters')
      .select('id')
      .where('account_id', '!=', account)
      .orderBy('id')
      .executeTakeFirstOrThrow();

    // The hot meter's reading is below the previous one.
    expect(
      await storeValid([
        [cold, prevCold + 10, 'lower-1'],
        [hot, prevHot - 1, 'lower-2'],
      ]),
    ).toEqual([]);
    // A meter that is not on this account.
    expect(
      await storeValid([
        [cold, prevCold + 10, 'other-1'],
        [other.id, 5, 'other-2'],
      ]),
    ).toEqual([]);
    // Only one of two meters, not confirmed; then a large consumption, not confirmed.
    expect(await storeValid([[cold, prevCold + 10, 'partial-1']])).toEqual([]);
    expect(
      await storeValid([
        // Past the limit (30 m³ a month since the previous reading, whichever month that was).
        [cold, prevCold + 200_000, 'large-1'],
        [hot, prevHot + 10, 'large-2'],
      ]),
    ).toEqual([]);
    expect(await currentRows(cold)).toHaveLength(0);

    // The month closed in between.
    await setMonthStatus('closed');
    try {
      expect(await storeValid([[cold, prevCold + 10, 'closed-1']], { confirmPartial: true })).toEqual([]);
    } finally {
      await setMonthStatus('open');
    }
    expect(await currentRows(cold)).toHaveLength(0);

    // Valid: both stored, and the same keys again store nothing more.
    const rows: [number, number, string][] = [
      [cold, prevCold + 10, 'ok-1'],
      [hot, prevHot + 20, 'ok-2'],
    ];
    const saved = await storeValid(rows);
    expect(saved.map((r) => [r.meterId, r.valueL, r.source, r.status])).toEqual([
      [cold, prevCold + 10, 'cabinet', 'accepted'],
      [hot, prevHot + 20, 'cabinet', 'accepted'],
    ]);
    expect(await storeValid(rows)).toEqual([]);
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([prevCold + 10]);
  });

  it('accepts a submission when the month has no billing period row yet, and opens it', async () => {
    await clearCurrentMonth();
    const before = await t.handle.db
      .selectFrom('billing_periods')
      .selectAll()
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    await t.handle.db.deleteFrom('billing_periods').where('period', '=', period).execute();
    try {
      const b = await signedIn();
      const page = await b.get('/cabinet/readings');
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: m3((await previousL('31883369')) + 1_000),
        [`m_${hot}`]: m3((await previousL('31883423')) + 1_000),
      });
      expect(res.statusCode).toBe(303);
      expect(await currentRows(cold)).toHaveLength(1);
      const opened = await t.handle.db
        .selectFrom('billing_periods')
        .select('status')
        .where('period', '=', period)
        .executeTakeFirst();
      expect(opened?.status).toBe('open');
    } finally {
      await t.handle.db.deleteFrom('billing_periods').where('period', '=', period).execute();
      await t.handle.db.insertInto('billing_periods').values(before).execute();
    }
  });

  it('refuses to submit for another customer account and stores nothing', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const res = await b.post('/cabinet/readings?account=01003317', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3((await previousL('31883369')) + 1_000),
    });
    expect(res.statusCode).toBe(404);
    const stored = await t.handle.db
      .selectFrom('readings')
      .select('id')
      .where('period', '=', period)
      .execute();
    expect(stored).toHaveLength(0);
  });

  const request = (
    userId: number,
    typed: Record<number, string>,
    key: string,
    now = new Date(),
    maxPerMonth = 20,
  ) => ({
    userId,
    accountNumber: '02015213',
    typed,
    idempotencyKey: key,
    confirmPartial: true,
    confirmLarge: true,
    confirmThresholdM3: 1000,
    maxPerMonth,
    now,
  });
  const submit = async (typed: Record<number, string>, key: string, now = new Date(), maxPerMonth = 20) =>
    submitReadings(t.handle.db, request(await user(), typed, key, now, maxPerMonth));

  /** The current month without readings; both meters' previous readings, and a form of both plus litres. */
  const emptyMonth = async () => {
    await clearCurrentMonth();
    const prevCold = await previousL('31883369');
    const prevHot = await previousL('31883423');
    const both = (c: number, h: number) => ({ [cold]: m3(prevCold + c), [hot]: m3(prevHot + h) });
    return { prevCold, prevHot, now: new Date(), both };
  };

  it('a meter sent with the value it already has this month stores nothing and does not count against the limit', async () => {
    const { prevCold, prevHot, now, both } = await emptyMonth();
    expect(await submit(both(10, 10), 'same-value-01', now, 2)).toMatchObject({
      kind: 'accepted',
      replay: false,
    });
    expect(await submit(both(20, 10), 'same-value-02', now, 2)).toMatchObject({
      kind: 'accepted',
      replay: false,
    });
    // Cold has reached the limit (2). The form comes back filled in; only hot is corrected.
    const hotOnly = await submit(both(20, 30), 'same-value-03', now, 2);
    expect(hotOnly).toMatchObject({ kind: 'accepted', replay: false });
    expect(hotOnly.kind === 'accepted' && hotOnly.saved.map((r) => [r.meterId, r.valueL]).sort()).toEqual(
      [
        [cold, prevCold + 20],
        [hot, prevHot + 30],
      ].sort(),
    );
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([prevCold + 10, prevCold + 20]);
    expect((await currentRows(hot)).map((r) => r.value_l)).toEqual([prevHot + 10, prevHot + 30]);
    // Nothing changed, under a new key: answered with the current readings, nothing stored.
    const same = await submit(both(20, 30), 'same-value-04', now, 2);
    expect(same).toMatchObject({ kind: 'accepted', replay: true });
    expect(same.kind === 'accepted' && same.saved).toHaveLength(2);
    expect(await currentRows(cold)).toHaveLength(2);
    expect(await currentRows(hot)).toHaveLength(2);
    // The one-statement guard stores only the changed meter of such a form.
    const partly = await storeValid(
      [
        [cold, prevCold + 20, 'same-value-05-c'],
        [hot, prevHot + 25, 'same-value-05-h'],
      ],
      { maxPerMonth: 3 },
    );
    expect(partly.map((r) => [r.meterId, r.valueL])).toEqual([[hot, prevHot + 25]]);
    expect(await currentRows(cold)).toHaveLength(2);
  });

  it('at the monthly limit a resend is answered as stored, a reused key with one value changed is stored, and two at once cannot pass it', async () => {
    const { prevCold, prevHot, now, both } = await emptyMonth();
    // Limit 1: the first submission reaches it; the same form again is a replay, not "too many".
    expect(await submit(both(10, 10), 'limit-a-0001', now, 1)).toMatchObject({
      kind: 'accepted',
      replay: false,
    });
    expect(await submit(both(10, 10), 'limit-a-0001', now, 1)).toMatchObject({
      kind: 'accepted',
      replay: true,
    });
    // Limit 2: the same key with the hot value changed stores the hot one and answers with both.
    const changed = await submit(both(10, 20), 'limit-a-0001', now, 2);
    expect(changed.kind).toBe('accepted');
    expect(changed.kind === 'accepted' && changed.saved.map((r) => [r.meterId, r.valueL])).toEqual([
      [cold, prevCold + 10],
      [hot, prevHot + 20],
    ]);
    expect((await currentRows(hot)).map((r) => r.value_l)).toEqual([prevHot + 10, prevHot + 20]);
    // Cold has 1 of 2: two different submissions for it in one statement store one.
    const one = (key: string, plus: number) =>
      storeValid([[cold, prevCold + plus, key]], { confirmPartial: true, maxPerMonth: 2 });
    const [x, y] = await Promise.all([one('limit-b-0001', 30), one('limit-c-0001', 40)]);
    expect([x.length, y.length]).toEqual([1, 0]);
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([prevCold + 10, prevCold + 30]);
    // The second one, sent on its own, is told the month's limit is reached.
    const refused = await submit({ [cold]: m3(prevCold + 40) }, 'limit-c-0001', now, 2);
    expect(refused).toEqual({ kind: 'invalid', errors: { [cold]: { problem: 'tooMany', max: 2 } } });
  });

  it('takes at most READING_MAX_PER_MONTH submissions per meter and month; the next is refused next to its field', async () => {
    await clearCurrentMonth();
    const prevCold = await previousL('31883369');
    const prevHot = await previousL('31883423');
    const now = new Date();
    for (const plus of [100, 110, 120]) {
      expect(await submit({ [cold]: m3(prevCold + plus) }, `cap-${plus}-000`, now, 3)).toMatchObject({
        kind: 'accepted',
      });
    }
    // A fourth value for the cold meter is refused, with the hot meter in the same form: nothing stored.
    const refused = await submit(
      { [cold]: m3(prevCold + 130), [hot]: m3(prevHot + 10) },
      'cap-130-000',
      now,
      3,
    );
    expect(refused).toEqual({ kind: 'invalid', errors: { [cold]: { problem: 'tooMany', max: 3 } } });
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([
      prevCold + 100,
      prevCold + 110,
      prevCold + 120,
    ]);
    expect(await currentRows(hot)).toHaveLength(0);
    // The one-statement guard refuses it too (it runs first); the hot meter alone is still taken.
    expect(
      await storeValid([[cold, prevCold + 130, 'cap-guard-1']], { confirmPartial: true, maxPerMonth: 3 }),
    ).toEqual([]);
    expect(await submit({ [hot]: m3(prevHot + 10) }, 'cap-hot-0001', now, 3)).toMatchObject({
      kind: 'accepted',
    });

    // The page, with the limit set to 3: the message next to the field, in the user's language, the typed text kept.
    const capped = await testApp(t.handle, { READING_MAX_PER_MONTH: '3' });
    try {
      const b = new Browser(capped.app);
      expect((await b.login('02015213', DEMO_PASSWORD)).statusCode).toBe(303);
      await b.get('/lang/ru?next=/cabinet');
      const page = await b.get('/cabinet/readings');
      const typed = `${m3(prevCold + 140)} `;
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: typed,
        [`m_${hot}`]: '',
      });
      expect(res.statusCode).toBe(422);
      expect(textOf(res.body)).toContain('за этот месяц уже переданы наибольшее число раз (3)');
      expect(res.body).toContain(`value="${typed}"`);
    } finally {
      await capped.app.close();
    }
    expect(await currentRows(cold)).toHaveLength(3);
  });

  it('a key sent again with other values, or in another month, is a submission of its own', async () => {
    await clearCurrentMonth();
    const prevCold = await previousL('31883369');
    const first = await submit({ [cold]: m3(prevCold + 100) }, 'same-key-0001');
    expect(first).toMatchObject({ kind: 'accepted', replay: false });
    // The same values again: one submission.
    expect(await submit({ [cold]: m3(prevCold + 100) }, 'same-key-0001')).toMatchObject({
      kind: 'accepted',
      replay: true,
    });
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([prevCold + 100]);
    // The same key with a corrected value (the form sent again after going back): stored, and it counts.
    expect(await submit({ [cold]: m3(prevCold + 150) }, 'same-key-0001')).toMatchObject({
      kind: 'accepted',
      replay: false,
    });
    expect((await currentRows(cold)).map((r) => r.value_l)).toEqual([prevCold + 100, prevCold + 150]);

    // The same key next month stores next month's reading.
    const next = new Date(`${period.slice(0, 7)}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1, 15);
    const nextPeriod = monthStart(periodOf(next));
    try {
      const later = await submit({ [cold]: m3(prevCold + 300) }, 'same-key-0001', next);
      expect(later).toMatchObject({ kind: 'accepted', replay: false });
      const rows = await t.handle.db
        .selectFrom('readings')
        .select('value_l')
        .where('meter_id', '=', cold)
        .where('period', '=', nextPeriod)
        .execute();
      expect(rows.map((r) => r.value_l)).toEqual([prevCold + 300]);
    } finally {
      await t.handle.db.deleteFrom('readings').where('period', '=', nextPeriod).execute();
      await t.handle.db.deleteFrom('billing_periods').where('period', '=', nextPeriod).execute();
    }
  });

  it('a submission while the month is being closed waits, then finds the month closed and stores nothing', async () => {
    await clearCurrentMonth();
    const prevCold = await previousL('31883369');
    let answer: Promise<Awaited<ReturnType<typeof submit>>> | undefined;
    try {
      await t.handle.db.transaction().execute(async (tx) => {
        await lockMonthForClosing(tx, period);
        answer = submit({ [cold]: m3(prevCold + 100) }, 'closing-0001');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await setMonthStatus('closed', tx);
      });
      expect(await answer).toEqual({ kind: 'closed' });
      expect(await currentRows(cold)).toHaveLength(0);
    } finally {
      await setMonthStatus('open');
    }
  });

  it('submits for the first account when the account parameter is empty', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings?account=');
    expect(page.statusCode).toBe(200);
    const res = await b.post('/cabinet/readings?account=', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3((await previousL('31883369')) + 1_000),
      [`m_${hot}`]: m3((await previousL('31883423')) + 1_000),
    });
    expect(res.statusCode).toBe(303);
    expect(await currentRows(cold)).toHaveLength(1);
  });

  it('submissions arriving together share one statement and its commit, each checked as if alone', async () => {
    await clearCurrentMonth();
    const db = t.handle.db;
    // Five more customers, each signed up on a metered account whose meters all have a reading.
    const candidates = await meteredAccountsWithoutUser(db, 20);
    const customers: { userId: number; number: string; meters: Awaited<ReturnType<typeof meterStates>> }[] =
      [];
    for (const a of candidates) {
      const meters = await meterStates(db, a.id, period);
      if (customers.length === 5 || !meters.every((m) => (m.prevValueL ?? 0) > 0)) continue;
      const u = await db
        .insertInto('users')
        .values({ login: `batch-${a.number}`, password_hash: 'x', customer_kind: 'individual' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('user_accounts').values({ user_id: u.id, account_id: a.id }).execute();
      customers.push({ userId: u.id, number: a.number, meters });
    }
    expect(customers).toHaveLength(5);
    const submission = (
      c: (typeof customers)[number],
      key: string,
      plusL: number,
      confirmPartial = false,
    ) => ({
      userId: c.userId,
      accountNumber: c.number,
      period,
      readOn: period,
      rows: c.meters.map((m) => ({
        meterId: m.id,
        valueL: m.prevValueL! + plusL,
        idempotencyKey: `${key}-${m.id}`,
        limitL: 30_000,
      })),
      maxPerMonth: 20,
      confirmPartial,
      confirmLarge: false,
    });
    const [c0, c1, c2, c3, c4] = customers as [
      (typeof customers)[number],
      (typeof customers)[number],
      (typeof customers)[number],
      (typeof customers)[number],
      (typeof customers)[number],
    ];
    const good = [
      submission(c0, 'together-0', 100),
      submission(c1, 'together-1', 200),
      submission(c2, 'together-2', 300),
    ];
    const lower = submission(c3, 'together-lower', -1);
    // Customer 0 names customer 4's account.
    const foreign = { ...submission(c4, 'together-foreign', 10), userId: c0.userId };
    // The same form twice at once: first without, then with the partial confirmation, one meter only.
    const partialOnce = {
      ...submission(c4, 'together-partial', 50),
      rows: submission(c4, 'together-partial', 50).rows.slice(0, 1),
    };
    const partialConfirmed = { ...partialOnce, confirmPartial: true };
    const results = await Promise.all(
      [...good, lower, foreign, good[0]!, partialOnce, partialConfirmed].map((s) =>
        insertValidSubmission(db, s),
      ),
    );

    // Each stored submission is answered with its own rows.
    good.forEach((s, i) => {
      expect(results[i]!.map((r) => [r.meterId, r.valueL, r.status])).toEqual(
        s.rows.map((r) => [r.meterId, r.valueL, 'accepted']),
      );
    });
    expect(results[3]).toEqual([]); // lower than the previous reading
    expect(results[4]).toEqual([]); // not the customer's account
    expect(results[5]).toEqual([]); // stored by the first copy of the same form
    expect(results[6]).toEqual([]); // partial, not confirmed
    expect(results[7]!.map((r) => r.meterId)).toEqual([c4.meters[0]!.id]);

    const stored = await sql<{ tx: string; meter_id: number; value_l: number; idempotency_key: string }>`
      select xmin::text as tx, meter_id, value_l, idempotency_key from readings
      where period = ${period}::date order by id`.execute(db);
    // One statement: every row was written by the same transaction.
    expect(new Set(stored.rows.map((r) => r.tx)).size).toBe(1);
    expect(stored.rows.map((r) => r.idempotency_key)).toEqual(
      [...good, partialConfirmed].flatMap((s) => s.rows.map((r) => r.idempotencyKey)),
    );
  });

  it('the same form sent twice at once is stored once; both are told it is stored', async () => {
    await clearCurrentMonth();
    const typed = {
      [cold]: m3((await previousL('31883369')) + 70),
      [hot]: m3((await previousL('31883423')) + 80),
    };
    // Both sent in the same turn of the event loop, so they share a statement.
    const u = await user();
    const [a, b] = await Promise.all([
      submitReadings(t.handle.db, request(u, typed, 'twice-at-once-1')),
      submitReadings(t.handle.db, request(u, typed, 'twice-at-once-1')),
    ]);
    expect([a, b].map((r) => r.kind)).toEqual(['accepted', 'accepted']);
    expect([a, b].map((r) => (r.kind === 'accepted' ? r.replay : null)).sort()).toEqual([false, true]);
    expect((await currentRows(cold)).map((r) => formatMeterReading(r.value_l))).toEqual([typed[cold]]);
    expect((await currentRows(hot)).map((r) => formatMeterReading(r.value_l))).toEqual([typed[hot]]);
  });

  it.skipIf(ENGINE === 'PGlite')(
    'sends the hot statements prepared, planned once, on connections of their own',
    async () => {
      const db = t.handle.db;
      const user1 = await user();
      await db.connection().execute(async (conn) => {
        await submissionContext(conn, user1, '02015213', period);
        await submissionContext(conn, user1, '02015213', period);
        // Prepared once per distinct text, not per call.
        const prepared = await sql<{ n: number; texts: number }>`
        select count(*)::int as n, count(distinct statement)::int as texts from pg_prepared_statements
        where statement like '%/* prepared */ with acc as%'`.execute(conn);
        expect(prepared.rows[0]!.n).toBeGreaterThanOrEqual(1);
        expect(prepared.rows[0]!.n).toBe(prepared.rows[0]!.texts);
        const mode = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(conn);
        expect(mode.rows[0]!.plan_cache_mode).toBe('force_generic_plan');
      });
      // Every other statement keeps PostgreSQL's default planning.
      await db.connection().execute(async (conn) => {
        const mode = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(conn);
        expect(mode.rows[0]!.plan_cache_mode).toBe('auto');
      });
      await db.transaction().execute(async (tx) => {
        await submissionContext(tx, user1, '02015213', period);
        const mode = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(tx);
        expect(mode.rows[0]!.plan_cache_mode).toBe('auto');
      });
    },
  );
});
