import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockMonthForClosing } from '../src/billing/month-lock';
import { periodOf, periodToDate } from '../src/billing/period';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { insertValidSubmission, meterStates, submissionContext } from '../src/readings/readings.queries';
import { submitReadings } from '../src/readings/submit-readings.service';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { parseCsv } from './helpers/csv';
import { demoDatabase, meteredAccountsWithoutUser } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
const period = periodToDate(periodOf(new Date()));

async function meterId(serial: string): Promise<number> {
  const row = await t.handle.db
    .selectFrom('meters')
    .select('id')
    .where('serial', '=', serial)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function accountId(number: string): Promise<number> {
  const row = await t.handle.db
    .selectFrom('accounts')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every reading of a meter in the current month, oldest first. */
function currentRows(meter: number) {
  return t.handle.db
    .selectFrom('readings')
    .selectAll()
    .where('meter_id', '=', meter)
    .where('period', '=', period)
    .orderBy('id')
    .execute();
}

async function previousL(serial: string): Promise<number> {
  const id = await meterId(serial);
  const states = await meterStates(t.handle.db, await accountId('02015213'), period);
  return states.find((s) => s.id === id)!.prevValueL!;
}

/** Sets the current month's billing period open or closed (in `db`, or a transaction). */
async function setMonthStatus(status: 'open' | 'closed', db = t.handle.db) {
  await db.updateTable('billing_periods').set({ status }).where('period', '=', period).execute();
}

async function clearCurrentMonth() {
  await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
}

async function signedIn(login = '02015213', lang: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  const res = await b.login(login, DEMO_PASSWORD);
  expect(res.statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  return b;
}

function keyOf(html: string): string {
  return /name="key" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

const m3 = (l: number) => formatMeterReading(l);

let cold: number;
let hot: number;

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  cold = await meterId('31883369');
  hot = await meterId('31883423');
});
afterAll(async () => t?.close());

describe(`meter readings page (${ENGINE})`, () => {
  it('shows the banner, account, every column, verification warning, format hint and data-as-of time', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const res = await b.get('/cabinet/readings');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const expected of [
      'Attention! Readings must be submitted every month!',
      '02015213',
      'Қазақстан, 64-12',
      'Input no.',
      'Location',
      'Water',
      'Meter no.',
      'Verification date',
      'Previous reading date',
      'Previous reading source',
      'Previous reading',
      'Current month reading',
      'Current reading source',
      '31883369',
      '31883423',
      '19.09.2029',
      '10.01.2027',
      'verification soon',
      'Meter 31883423 is due for verification on 10.01.2027',
      'e.g. 117.5, 117,5 or 00117.500',
      'Cabinet data (charges and payments) last updated from billing',
      'Submit readings',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain(m3(await previousL('31883369')));
    expect(text).not.toContain('not updated yet');
    expect(res.body).toMatch(/name="key" value="[A-Za-z0-9_-]{16,}"/);
  });

  it('stores both readings after the commit, in cabinet source, and shows them as current', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const coldValue = (await previousL('31883369')) + 2_500;
    const hotValue = (await previousL('31883423')) + 1_200;
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3(coldValue).replace(/^0+/, '').replace('.', ','),
      [`m_${hot}`]: ` ${m3(hotValue)} `,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cabinet/readings?done=2');
    const rows = [...(await currentRows(cold)), ...(await currentRows(hot))];
    expect(rows.map((r) => [r.value_l, r.source, r.status])).toEqual([
      [coldValue, 'cabinet', 'accepted'],
      [hotValue, 'cabinet', 'accepted'],
    ]);
    expect(rows[0]!.submitted_by).not.toBeNull();
    const after = textOf((await b.get(res.headers.location as string)).body);
    expect(after).toContain('Readings accepted and saved (2)');
    expect((await b.get('/cabinet/readings')).body).toContain(`value="${m3(coldValue)}"`);
  });

  it('refuses a malformed reading next to its field, in the user language, keeping what was typed', async () => {
    await clearCurrentMonth();
    for (const [lang, message] of [
      ['en', 'At most 3 digits after the point (litres).'],
      ['ru', 'Не больше 3 цифр после точки (литры).'],
      ['kk', 'Үтірден кейін 3 саннан аспауы керек (литр).'],
    ] as const) {
      const b = await signedIn('02015213', lang);
      const page = await b.get('/cabinet/readings');
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: '117.5555',
        [`m_${hot}`]: '-3',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('value="117.5555"');
      expect(res.body).toContain('value="-3"');
      expect(res.body).toMatch(new RegExp(`id="f-m_${cold}-error">${message.replace(/[().]/g, '\\$&')}`));
    }
    expect(await currentRows(cold)).toHaveLength(0);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('answers a typing mistake in one field and a rule broken in another in the same round', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const lowerHot = m3((await previousL('31883423')) - 1);
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: '12a,5',
      [`m_${hot}`]: lowerHot,
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(new RegExp(`id="f-m_${cold}-error">Digits and one point or comma only`));
    expect(res.body).toMatch(
      new RegExp(`id="f-m_${hot}-error">The reading cannot be lower than the previous one`),
    );
    expect(res.body).toContain('value="12a,5"');
    expect(res.body).toContain(`value="${lowerHot}"`);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('refuses a reading lower than the previous one and says replacement or rollover is an operator matter', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const lower = (await previousL('31883369')) - 1;
    const res = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${cold}`]: m3(lower),
      [`m_${hot}`]: m3(await previousL('31883423')),
    });
    expect(res.statusCode).toBe(422);
    const text = textOf(res.body);
    expect(text).toContain(`cannot be lower than the previous one (${m3(lower + 1)})`);
    expect(text).toContain('an operator records that');
    expect(text).toContain('Nothing was submitted');
    expect(await currentRows(cold)).toHaveLength(0);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('asks before submitting only some meters: Cancel stores nothing, confirming stores only those', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const key = keyOf(page.body);
    const value = m3((await previousL('31883369')) + 1_000);
    const ask = await b.post('/cabinet/readings', { key, [`m_${cold}`]: value, [`m_${hot}`]: '' });
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toContain('You filled in 1 of 2 meters. Submit only those?');
    expect(ask.body).toContain('name="confirm_partial" value="1"');
    expect(await currentRows(cold)).toHaveLength(0);

    const cancel = await b.post('/cabinet/readings', {
      key,
      [`m_${cold}`]: value,
      [`m_${hot}`]: '',
      confirm_partial: '1',
      action: 'cancel',
    });
    expect(cancel.statusCode).toBe(200);
    expect(textOf(cancel.body)).toContain('Nothing was submitted');
    expect(cancel.body).toContain(`value="${value}"`);
    expect(await currentRows(cold)).toHaveLength(0);

    const ok = await b.post('/cabinet/readings', {
      key,
      [`m_${cold}`]: value,
      [`m_${hot}`]: '',
      confirm_partial: '1',
      confirm_large: '1',
      action: 'confirm',
    });
    expect(ok.statusCode).toBe(303);
    expect((await currentRows(cold)).map((r) => m3(r.value_l))).toEqual([value]);
    expect(await currentRows(hot)).toHaveLength(0);
  });

  it('asks to confirm a consumption above the monthly limit and flags the reading for review', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const key = keyOf(page.body);
    const big = m3((await previousL('31883369')) + 45_000);
    const hotValue = m3((await previousL('31883423')) + 500);
    const form = { key, [`m_${cold}`]: big, [`m_${hot}`]: hotValue };
    const ask = await b.post('/cabinet/readings', form);
    expect(ask.statusCode).toBe(200);
    // The demo flat's cold meter has a year of history: it is compared with its own usual month.
    expect(textOf(ask.body)).toContain(
      'Consumption on meter 31883369 is 45.000 m³, more than three times its usual month',
    );
    expect(await currentRows(cold)).toHaveLength(0);
    const ok = await b.post('/cabinet/readings', { ...form, confirm_partial: '1', confirm_large: '1' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cabinet/readings?done=2&flagged=1');
    const flagged = await currentRows(cold);
    expect(flagged.map((r) => r.status)).toEqual(['flagged']);
    expect(flagged[0]!.review_note).toMatch(/^consumption 45000 L above \d+ L, confirmed by customer$/);
    expect((await currentRows(hot)).map((r) => [r.status, r.review_note])).toEqual([['accepted', null]]);
    expect(textOf((await b.get(ok.headers.location as string)).body)).toContain(
      'passed to an operator for review',
    );
  });

  it('keeps every correction in history; the newest counts', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const first = m3((await previousL('31883369')) + 3_000);
    const second = m3((await previousL('31883369')) + 2_000);
    const hotValue = m3((await previousL('31883423')) + 700);
    for (const v of [first, second]) {
      const page = await b.get('/cabinet/readings');
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: v,
        [`m_${hot}`]: hotValue,
      });
      expect(res.statusCode).toBe(303);
    }
    expect((await currentRows(cold)).map((r) => m3(r.value_l))).toEqual([first, second]);
    const states = await meterStates(t.handle.db, await accountId('02015213'), period);
    expect(m3(states.find((s) => s.id === cold)!.curValueL!)).toBe(second);
    const history = await b.get('/cabinet/readings/history');
    const text = textOf(history.body);
    expect(text).toContain(first);
    expect(text).toContain(second);
    expect(text).toContain('(corrected)');
  });

  it('stores one submission when the same form is sent twice (double click, resend)', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const form = {
      key: keyOf(page.body),
      [`m_${cold}`]: m3((await previousL('31883369')) + 1_111),
      [`m_${hot}`]: m3((await previousL('31883423')) + 222),
    };
    const [a, c] = await Promise.all([b.post('/cabinet/readings', form), b.post('/cabinet/readings', form)]);
    const again = await b.post('/cabinet/readings', form);
    for (const r of [a, c, again]) expect(r.statusCode).toBe(303);
    expect(await currentRows(cold)).toHaveLength(1);
    expect(await currentRows(hot)).toHaveLength(1);
  });

  it('two concurrent submissions for the same meter: both in history, one current value', async () => {
    await clearCurrentMonth();
    const one = await signedIn();
    const two = await signedIn();
    const [p1, p2] = await Promise.all([one.get('/cabinet/readings'), two.get('/cabinet/readings')]);
    const base = await previousL('31883369');
    const hotValue = m3((await previousL('31883423')) + 100);
    const [r1, r2] = await Promise.all([
      one.post('/cabinet/readings', {
        key: keyOf(p1.body),
        [`m_${cold}`]: m3(base + 1_001),
        [`m_${hot}`]: hotValue,
      }),
      two.post('/cabinet/readings', {
        key: keyOf(p2.body),
        [`m_${cold}`]: m3(base + 1_002),
        [`m_${hot}`]: hotValue,
      }),
    ]);
    expect([r1.statusCode, r2.statusCode]).toEqual([303, 303]);
    const rows = await currentRows(cold);
    expect(rows.map((r) => r.value_l).sort()).toEqual([base + 1_001, base + 1_002]);
    const states = await meterStates(t.handle.db, await accountId('02015213'), period);
    expect(states.filter((s) => s.id === cold).map((s) => s.curValueL)).toEqual([rows.at(-1)!.value_l]);
  });

  it('refuses readings once the month is closed', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    await setMonthStatus('closed');
    try {
      const res = await b.post('/cabinet/readings', {
        key: keyOf(page.body),
        [`m_${cold}`]: m3((await previousL('31883369')) + 1_000),
        [`m_${hot}`]: m3((await previousL('31883423')) + 1_000),
      });
      expect(res.statusCode).toBe(409);
      expect(textOf(res.body)).toContain('the month is closed');
      expect(await currentRows(cold)).toHaveLength(0);
    } finally {
      await setMonthStatus('open');
    }
  });

  it('marks a meter past its verification date and says it is billed by norm', async () => {
    const b = await signedIn('03017845', 'ru');
    const text = textOf((await b.get('/cabinet/readings')).body);
    expect(text).toContain('срок поверки истёк');
    expect(text).toContain('Срок поверки счётчика 30550127 истёк 30.06.2026');
    expect(text).toContain('вода начисляется по нормативу');
  });

  it('shows 3 years of history with sources and a server-rendered consumption chart', async () => {
    const b = await signedIn();
    const res = await b.get('/cabinet/readings/history');
    expect(res.statusCode).toBe(200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
    expect(svg).toContain('Monthly consumption, m³');
    expect(svg).toContain('>m³<');
    expect(svg).toContain('>Cold water<');
    expect(svg).toContain('>Hot water<');
    expect((svg.match(/<rect [^>]*fill="#1f6fb2"><title>/g) ?? []).length).toBeGreaterThan(6);
    const text = textOf(res.body);
    expect(text).toContain('Cold water, meter 31883369');
    expect(text).toMatch(/Inspector|Phone|Billing|Personal cabinet/);
  });

  it('downloads the history as CSV with the rows and readings of the page', async () => {
    const b = await signedIn();
    const page = await b.get('/cabinet/readings/history');
    expect(page.body).toContain('href="/cabinet/readings/history.csv"');
    const res = await b.get('/cabinet/readings/history.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="readings-\d{8}-\d{4}-\d{2}-\d{4}-\d{2}\.csv"$/,
    );
    expect(res.headers['cache-control']).toContain('no-store');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(res.rawPayload.toString('utf8'));
    expect(header).toEqual([
      'Water',
      'Meter',
      'Period',
      'Date',
      'Reading',
      'Source',
      'Status',
      'Submitted at',
    ]);
    // The page's rows, in its order: date, reading (00123.456 there, 123,456 here), source.
    const pageRows = [...page.body.matchAll(/<tr[^>]*>\s*<td data-label="Period">([\s\S]*?)<\/tr>/g)].map(
      (m) => [...(m[0] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1] ?? '')),
    );
    expect(rows.length).toBe(pageRows.length);
    expect(rows.length).toBeGreaterThan(5);
    rows.forEach((row, i) => {
      const cells = pageRows[i] ?? [];
      expect(row.slice(2, 4)).toEqual(cells.slice(0, 2));
      expect(row[4]).toBe((cells[2] ?? '').replace('.', ',').replace(/^0+(?=\d)/, ''));
      expect(row.slice(5)).toEqual(cells.slice(3));
    });
    expect(rows.some((r) => r[1] === '31883369' && r[0] === 'Cold water')).toBe(true);
  });

  it('answers 404 for another customer account', async () => {
    const b = await signedIn();
    expect((await b.get('/cabinet/readings?account=01003317')).statusCode).toBe(404);
    expect((await b.get('/cabinet/readings/history?account=01003317')).statusCode).toBe(404);
    const csv = await b.get('/cabinet/readings/history.csv?account=01003317');
    expect(csv.statusCode).toBe(404);
    expect(csv.headers['content-type']).not.toContain('text/csv');
  });
});

describe(`readings JSON API (${ENGINE})`, () => {
  async function api(b: Browser, method: 'GET' | 'POST', url: string, body?: unknown, csrf?: string) {
    return t.app.inject({
      method,
      url,
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body ? { payload: body as object } : {}),
    });
  }

  it('lists meters, submits with the same rules, replays an idempotency key, hides other accounts', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const meters = await api(b, 'GET', '/api/v1/accounts/02015213/meters');
    expect(meters.statusCode).toBe(200);
    const data = meters.json();
    expect(
      data.meters.map((m: { serial: string; verification: string }) => [m.serial, m.verification]),
    ).toEqual([
      ['31883369', 'ok'],
      ['31883423', 'soon'],
    ]);
    for (const c of meters.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const csrf = meters.headers['x-csrf-token'] as string;
    expect(csrf).toBeTruthy();

    const coldValue = (await previousL('31883369')) + 1_500;
    const body = { readings: [{ meterId: cold, value: m3(coldValue) }], idempotencyKey: 'api-test-key-0001' };
    expect((await api(b, 'POST', '/api/v1/accounts/02015213/readings', body)).statusCode).toBe(403);
    const partial = await api(b, 'POST', '/api/v1/accounts/02015213/readings', body, csrf);
    expect(partial.statusCode).toBe(409);
    expect(partial.json()).toMatchObject({
      error: 'confirmation_required',
      partial: { filled: 1, total: 2 },
    });

    const bad = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { readings: [{ meterId: cold, value: '12a' }], confirmPartial: true },
      csrf,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fields[0]).toMatchObject({ meterId: cold, problem: 'notNumber', typed: '12a' });

    const ok = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { ...body, confirmPartial: true },
      csrf,
    );
    expect(ok.statusCode).toBe(201);
    expect(ok.json().readings[0]).toMatchObject({ meterId: cold, value: m3(coldValue), status: 'accepted' });
    const replay = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { ...body, confirmPartial: true },
      csrf,
    );
    expect(replay.statusCode).toBe(200);
    expect(replay.json().status).toBe('already_stored');
    expect(await currentRows(cold)).toHaveLength(1);

    const lower = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { readings: [{ meterId: cold, value: m3(coldValue - 10_000) }], confirmPartial: true },
      csrf,
    );
    expect(lower.statusCode).toBe(422);
    expect(lower.json().fields[0].problem).toBe('lower');

    const history = await api(b, 'GET', '/api/v1/accounts/02015213/readings?months=12');
    expect(history.statusCode).toBe(200);
    expect(history.json().readings[0]).toMatchObject({
      meterId: cold,
      value: m3(coldValue),
      source: 'cabinet',
    });
    expect(history.json().consumption).toHaveLength(12);

    expect((await api(b, 'GET', '/api/v1/accounts/01003317/meters')).statusCode).toBe(404);
    expect(
      (await api(b, 'POST', '/api/v1/accounts/01003317/readings', { ...body, confirmPartial: true }, csrf))
        .statusCode,
    ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/accounts/02015213/meters' })).statusCode).toBe(
      401,
    );
  });

  it('answers a malformed request with 400, a message in the user language and what was wrong', async () => {
    await clearCurrentMonth();
    const b = await signedIn('02015213', 'ru');
    const meters = await api(b, 'GET', '/api/v1/accounts/02015213/meters');
    for (const c of meters.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const csrf = meters.headers['x-csrf-token'] as string;
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts/02015213/readings',
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': csrf,
        'content-type': 'application/json',
      },
      payload: '{"readings": [',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().message).toBe('Запрос не удалось прочитать: проверьте отправленные данные.');
    expect(broken.json().detail).toMatch(/JSON/i);
    const empty = await api(b, 'POST', '/api/v1/accounts/02015213/readings', { readings: [] }, csrf);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('readings');
    expect(
      await t.handle.db.selectFrom('readings').select('id').where('period', '=', period).execute(),
    ).toEqual([]);
  });

  it('is described in OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/accounts/{account}/meters', '/api/v1/accounts/{account}/readings']),
    );
    expect(doc.paths['/api/v1/accounts/{account}/readings'].post.requestBody).toBeTruthy();
  });
});

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
        [cold, prevCold + 45_000, 'large-1'],
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
    const nextPeriod = periodToDate(periodOf(next));
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
