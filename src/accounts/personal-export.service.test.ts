import { describe, expect, it } from 'vitest';
import { confirmedCustomer } from '../../test/helpers/customers';
import { closedMonth } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import { audit } from '../auth/audit';
import { insertConsent } from '../auth/registration.queries';
import type { DB } from '../db/database';
import { personalDataCsv, personalDataJson } from './personal-export';
import { exportPersonalData } from './personal-export.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

/** How many readings the meters of an account have, asked directly. */
const readingCount = async (account: string) =>
  (
    await db
      .selectFrom('readings')
      .innerJoin('meters', 'meters.id', 'readings.meter_id')
      .innerJoin('accounts', 'accounts.id', 'meters.account_id')
      .select('readings.id')
      .where('accounts.number', '=', account)
      .execute()
  ).length;

describe(`exportPersonalData (${engine})`, () => {
  it("gives the customer's own profile, consent, accounts, readings, documents and sign-ins, and no one else's", async () => {
    const a = await confirmedCustomer(db, { password: 'Pass-2026-aa', email: 'own.data@example.kz' });
    const b = await confirmedCustomer(db, { password: 'Pass-2026-bb', email: 'neighbour@example.kz' });
    // Two billed months of readings on both accounts: the invoices are the documents list.
    const meters = await db
      .selectFrom('meters')
      .innerJoin('accounts', 'accounts.id', 'meters.account_id')
      .select('meters.id')
      .where('accounts.number', 'in', [a.account, b.account])
      .execute();
    await closedMonth(db, '2026-09', Object.fromEntries(meters.map((m) => [m.id, 100_000])));
    await closedMonth(db, '2026-10', Object.fromEntries(meters.map((m) => [m.id, 104_500])));
    await insertConsent(db, {
      userId: a.id,
      textVersion: '2026-11-30',
      locale: 'kk',
      agreedAt: new Date('2026-11-30T05:00:00Z'),
      ip: '10.1.1.1',
      userAgent: 'Browser/1',
    });
    await insertConsent(db, {
      userId: b.id,
      textVersion: '2026-11-30',
      locale: 'ru',
      agreedAt: new Date('2026-11-30T06:00:00Z'),
      ip: '10.2.2.2',
      userAgent: 'Neighbour/2',
    });
    await audit(db, { actorUserId: a.id, action: 'login', subject: a.login, ip: '10.1.1.1' });
    await audit(db, { actorUserId: b.id, action: 'login', subject: b.login, ip: '10.2.2.2' });
    await audit(db, { actorUserId: a.id, action: 'email.change_requested', ip: '10.1.1.1' });

    const data = await exportPersonalData(db, { userId: a.id }, { ip: '10.1.1.9', format: 'json' });
    const json = JSON.parse(personalDataJson(data));
    expect(json.profile).toMatchObject({ login: a.login, email: 'own.data@example.kz' });
    expect(json.consents).toEqual([
      {
        text_version: '2026-11-30',
        agreed_at: '2026-11-30T05:00:00.000Z',
        language: 'kk',
        ip: '10.1.1.1',
        user_agent: 'Browser/1',
      },
    ]);
    expect(json.accounts.map((x: { number: string }) => x.number)).toEqual([a.account]);
    const own = await readingCount(a.account);
    expect(own).toBeGreaterThan(0);
    expect(json.readings).toHaveLength(own);
    expect(new Set(json.readings.map((r: { account: string }) => r.account))).toEqual(new Set([a.account]));
    expect(json.readings[0].value_m3).toMatch(/^\d+\.\d{3}$/);
    expect(json.documents.length).toBeGreaterThan(0);
    expect(json.documents.every((d: { account: string; period: string }) => d.account === a.account)).toBe(
      true,
    );
    expect(json.sign_ins).toEqual([{ at: expect.any(String), action: 'login', ip: '10.1.1.1' }]);
    // Nothing of the neighbour's anywhere in the file.
    const text = personalDataJson(data);
    for (const theirs of [b.account, 'neighbour@example.kz', '10.2.2.2', 'Neighbour/2']) {
      expect(text).not.toContain(theirs);
    }
    // Nothing that opens the account either.
    expect(text).not.toContain('argon2');

    const csv = personalDataCsv(data);
    expect(csv.startsWith('\uFEFFexported_at;')).toBe(true);
    expect(csv).toContain(`\r\nreadings\r\naccount;meter;water;period;value_m3;`);
    expect(csv).toMatch(new RegExp(`\\r\\n${a.account};[^;]+;(cold|hot);\\d{4}-\\d{2};\\d+,\\d{3};`));
    expect(csv).not.toContain(b.account);

    const exports = await db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'subject', 'ip', 'details'])
      .where('action', '=', 'personal.export')
      .execute();
    expect(exports).toEqual([
      { actor_user_id: a.id, subject: a.login, ip: '10.1.1.9', details: { format: 'json' } },
    ]);
  });
});
