import { describe, expect, it } from 'vitest';
import { closedMonth, customerOf, meteredAccount } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { accountsOfUser } from './accounts.queries';
import { chooseAccount } from './choose-account.service';
import { removeAccount } from './remove-account.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

const numbersOf = async (userId: number) => (await accountsOfUser(db, userId)).map((a) => a.number);
const count = async (table: 'readings' | 'account_months' | 'charges', accountId: number) => {
  const rows =
    table === 'readings'
      ? await db
          .selectFrom('readings')
          .innerJoin('meters', 'meters.id', 'readings.meter_id')
          .select('readings.id')
          .where('meters.account_id', '=', accountId)
          .execute()
      : await db.selectFrom(table).select('account_id').where('account_id', '=', accountId).execute();
  return rows.length;
};

describe(`removing an account from the list (${engine})`, () => {
  it("takes only the link away: the account's readings, invoices and charges stay", async () => {
    const home = await meteredAccount(db);
    const dacha = await meteredAccount(db);
    const user = await customerOf(db, home);
    await db.insertInto('user_accounts').values({ user_id: user.id, account_id: dacha.id }).execute();
    const [cold, hot] = dacha.meters;
    await closedMonth(db, '2026-09', { [cold!.id]: 1000, [hot!.id]: 500 });
    await closedMonth(db, '2026-10', { [cold!.id]: 4000, [hot!.id]: 2500 });
    const before = {
      readings: await count('readings', dacha.id),
      months: await count('account_months', dacha.id),
      charges: await count('charges', dacha.id),
    };
    expect(before.readings).toBe(4);
    expect(before.months).toBeGreaterThan(0);
    expect(before.charges).toBeGreaterThan(0);
    await chooseAccount(db, { userId: user.id, number: dacha.number });

    expect(await removeAccount(db, { userId: user.id, number: dacha.number }, { ip: '192.0.2.8' })).toBe(
      'removed',
    );
    expect(await numbersOf(user.id)).toEqual([home.number]);
    expect({
      readings: await count('readings', dacha.id),
      months: await count('account_months', dacha.id),
      charges: await count('charges', dacha.id),
    }).toEqual(before);
    // The choice of a removed account is forgotten.
    const chosen = await db
      .selectFrom('users')
      .select('chosen_account_id')
      .where('id', '=', user.id)
      .executeTakeFirst();
    expect(chosen?.chosen_account_id).toBeNull();
    const entries = await db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'ip'])
      .where('action', '=', 'account.remove')
      .where('subject', '=', dacha.number)
      .execute();
    expect(entries).toEqual([{ actor_user_id: user.id, ip: '192.0.2.8' }]);
  });

  it('keeps the last account, and refuses a number that is not in the list', async () => {
    const home = await meteredAccount(db);
    const user = await customerOf(db, home);
    const stranger = await meteredAccount(db);
    await customerOf(db, stranger);
    expect(await removeAccount(db, { userId: user.id, number: home.number }, {})).toBe('last');
    expect(await removeAccount(db, { userId: user.id, number: stranger.number }, {})).toBe('notYours');
    expect(await numbersOf(user.id)).toEqual([home.number]);
  });
});
