import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { type DB, openDatabase } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { API_RATE_LIMIT } from '../src/readings/readings.api';
import { meterStates } from '../src/readings/readings.queries';
import { type SubmitResult, submitReadings } from '../src/readings/submit-readings.service';
import { Browser, testApp } from './helpers/app';
import { demoDatabase, type TestDatabase } from './helpers/db';

/**
 * Many submissions for one meter at the same moment, as a script (or an impatient customer with
 * several devices) sends them: on PostgreSQL through several database handles, so they reach the
 * database in different statements and transactions at once, as they would from several app
 * processes. On PGlite the one connection serves them in turn.
 */
const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const period = monthStart(periodOf(new Date()));

let handle: TestDatabase;
const others: { db: DB; close(): Promise<void> }[] = [];
/** Every handle the submissions go through; submission i goes through handles[i % length]. */
let handles: DB[] = [];
let userId = 0;
let cold = 0;
let hot = 0;
let prevCold = 0;

beforeAll(async () => {
  handle = await demoDatabase();
  if (handle.url) {
    for (let i = 0; i < 4; i++) others.push(await openDatabase({ url: handle.url, poolSize: 5 }));
  }
  handles = [handle.db, ...others.map((o) => o.db)];
  const db = handle.db;
  userId = (
    await db.selectFrom('users').select('id').where('login', '=', '02015213').executeTakeFirstOrThrow()
  ).id;
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('number', '=', '02015213')
    .executeTakeFirstOrThrow();
  const meter = async (serial: string) =>
    (await db.selectFrom('meters').select('id').where('serial', '=', serial).executeTakeFirstOrThrow()).id;
  cold = await meter('31883369');
  hot = await meter('31883423');
  const states = await meterStates(db, account.id, period);
  prevCold = states.find((s) => s.id === cold)!.prevValueL!;
});

afterAll(async () => {
  for (const o of others) await o.close();
  await handle?.close();
});

async function clearCurrentMonth() {
  await handle.db.deleteFrom('readings').where('period', '=', period).execute();
}

function coldRows() {
  return handle.db
    .selectFrom('readings')
    .select(['id', 'value_l'])
    .where('meter_id', '=', cold)
    .where('period', '=', period)
    .execute();
}

/** `count` submissions of the cold meter at once, without an idempotency key; value(i) in litres. */
function atOnce(count: number, value: (i: number) => number): Promise<SubmitResult[]> {
  const now = new Date();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      submitReadings(handles[i % handles.length]!, {
        ...racer(userId, now),
        typed: { [cold]: formatMeterReading(value(i)) },
      }),
    ),
  );
}

/** A submission of the demo flat's owner with every confirmation given, as the racing requests send it. */
const racer = (userId: number, now: Date) => ({
  userId,
  accountNumber: '02015213',
  idempotencyKey: '',
  confirmPartial: true,
  confirmLarge: true,
  confirmThresholdM3: 1000,
  maxPerMonth: 20,
  now,
});

describe(`submissions at the same moment (${ENGINE})`, () => {
  it('thirty identical submissions without a key store one row; every one is answered with it', async () => {
    await clearCurrentMonth();
    const value = prevCold + 1_000;
    const results = await atOnce(30, () => value);
    const rows = await coldRows();
    expect(rows.map((r) => r.value_l)).toEqual([value]);
    // One stored it; the others are told it is stored already (the API's 200 already_stored).
    expect(results.map((r) => (r.kind === 'accepted' ? r.replay : r.kind)).sort()).toEqual([
      false,
      ...Array<boolean>(29).fill(true),
    ]);
    for (const result of results) {
      expect(result.kind).toBe('accepted');
      if (result.kind === 'accepted') {
        expect(result.saved.map((r) => [r.id, r.meterId, r.valueL])).toEqual([[rows[0]!.id, cold, value]]);
      }
    }
  });

  it('fifty different values at once store no more than the monthly limit of 20; the rest are refused as too many', async () => {
    await clearCurrentMonth();
    const results = await atOnce(50, (i) => prevCold + 1_000 + i * 10);
    const rows = await coldRows();
    expect(rows).toHaveLength(20);
    const accepted = results.filter((r) => r.kind === 'accepted');
    expect(accepted).toHaveLength(20);
    expect(accepted.flatMap((r) => (r.kind === 'accepted' ? r.saved.map((s) => s.id) : [])).sort()).toEqual(
      rows.map((r) => r.id).sort(),
    );
    for (const result of results.filter((r) => r.kind !== 'accepted')) {
      expect(result).toEqual({ kind: 'invalid', errors: { [cold]: { problem: 'tooMany', max: 20 } } });
    }
  });

  it('the hot meter of the same account is not held up: it is stored alongside', async () => {
    await clearCurrentMonth();
    const now = new Date();
    const hotState = (await meterStates(handle.db, (await accountOf()).id, period)).find(
      (s) => s.id === hot,
    )!;
    const [a, b] = await Promise.all(
      [cold, hot].map((meter, i) =>
        submitReadings(handles[i % handles.length]!, {
          ...racer(userId, now),
          typed: { [meter]: formatMeterReading((meter === cold ? prevCold : hotState.prevValueL!) + 500) },
        }),
      ),
    );
    expect([a?.kind, b?.kind]).toEqual(['accepted', 'accepted']);
  });
});

function accountOf() {
  return handle.db
    .selectFrom('accounts')
    .select('id')
    .where('number', '=', '02015213')
    .executeTakeFirstOrThrow();
}

describe(`the readings API's request limit per customer (${ENGINE})`, () => {
  it("answers 429 with Retry-After in the customer's language past the limit; another customer is not held up", async () => {
    const app = await testApp(handle);
    try {
      const signIn = async (login: string) => {
        const b = new Browser(app.app);
        expect((await b.login(login, DEMO_PASSWORD)).statusCode).toBe(303);
        await b.get('/lang/ru?next=/cabinet');
        return b;
      };
      const first = await signIn('02015213');
      // GET and POST count together.
      const post = await app.app.inject({
        method: 'POST',
        url: '/api/v1/accounts/02015213/readings',
        headers: {
          cookie: [...first.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': first.csrf,
          'content-type': 'application/json',
        },
        payload: { readings: [{ meterId: cold, value: 'abc' }] },
      });
      expect(post.statusCode).toBe(422);
      for (let i = 1; i < API_RATE_LIMIT.max; i++) {
        expect((await first.get('/api/v1/accounts/02015213/meters')).statusCode).toBe(200);
      }
      const refused = await first.get('/api/v1/accounts/02015213/meters');
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({
        message: 'Слишком много попыток. Повторите через несколько минут.',
      });

      const second = await signIn('01003317');
      expect((await second.get('/api/v1/accounts/01003317/meters')).statusCode).toBe(200);
    } finally {
      await app.app.close();
    }
  });
});
