import { sql } from 'kysely';
import { createSession } from '../../src/auth/sessions';
import { monthStart, periodOf } from '../../src/calendar/calendar';
import type { DB } from '../../src/db/database';
import { loadDemoDataIfEmpty } from '../../src/demo/demo-data';
import { formatMeterReading } from '../../src/money/litres';
import { meterStates } from '../../src/readings/readings.queries';
import { meteredAccountsWithoutUser } from './db';

/** A signed-in customer of a running cabinet: its cookies, the page's CSRF token, its meters. */
export interface SignedInCustomer {
  accountId: number;
  cookie: string;
  csrf: string;
  meters: { field: string; litres: number }[];
  /** Added to every meter's value on the next submission (each one is a new correction). */
  step: number;
  /**
   * The customer's own client address, sent as X-Forwarded-For (the load balancer appends its
   * own; the app trusts it): customers are many households, not one address past the per-address
   * limits of the readings forms.
   */
  ip: string;
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

export async function getPage(base: string, path: string, cookie: string) {
  const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text(), cookies: cookiesOf(res) };
}

/**
 * Loads a small demo city into the empty database `db` (the primary), gives `count` metered
 * accounts a customer with a session, and opens each one's readings page at `base`.
 */
export async function signedInCustomers(db: DB, base: string, count: number): Promise<SignedInCustomer[]> {
  await loadDemoDataIfEmpty(db, { accounts: count + 20, months: 3 });
  const passwordHash = (await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow())
    .password_hash;
  const period = monthStart(periodOf(new Date()));
  const customers: SignedInCustomer[] = [];
  for (const a of await meteredAccountsWithoutUser(db, count)) {
    const user = await db
      .insertInto('users')
      .values({ login: `cluster-${a.number}`, password_hash: passwordHash, customer_kind: 'individual' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_accounts').values({ user_id: user.id, account_id: a.id }).execute();
    const session = await createSession(db, { userId: user.id, persistent: false });
    const sid = `sid=${session.secret}`;
    const page = await getPage(base, '/cabinet/readings', sid);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !csrf) throw new Error(`readings page: ${page.status}`);
    const meters = (await meterStates(db, a.id, period)).map((m) => ({
      field: `m_${m.id}`,
      litres: (m.prevValueL ?? 0) + 1_000,
    }));
    const n = customers.length;
    customers.push({
      accountId: a.id,
      cookie: [sid, ...page.cookies].join('; '),
      csrf,
      meters,
      step: 0,
      ip: `10.77.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    });
  }
  return customers;
}

/** One submission of new values for every meter of the customer; the HTTP status, 0 when none came. */
export async function submitReadings(base: string, c: SignedInCustomer, key: string): Promise<number> {
  c.step += 1;
  const form = new URLSearchParams({ _csrf: c.csrf, key });
  for (const m of c.meters) form.set(m.field, formatMeterReading(m.litres + c.step));
  try {
    const res = await fetch(`${base}/cabinet/readings`, {
      method: 'POST',
      headers: {
        cookie: c.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': c.ip,
      },
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The submissions' keys that stored readings carry (a row's key is `key:period:meter:value`). */
export async function storedKeys(db: DB, keys: string[]): Promise<Set<string>> {
  const { rows } = await sql<{ key: string }>`
    select distinct split_part(idempotency_key, ':', 1) as key from readings
    where split_part(idempotency_key, ':', 1) in (${sql.join(keys)})`.execute(db);
  return new Set(rows.map((r) => r.key));
}
