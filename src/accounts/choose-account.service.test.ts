import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { customerOf, meteredAccount } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { customerAccount } from './access';
import { chooseAccount } from './choose-account.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

/** A request of the signed-in user as customerAccount reads it (a new one per page). */
const request = (id: number) => ({ user: { id }, customerAccounts: null }) as unknown as FastifyRequest;

describe(`choosing the account the cabinet shows (${engine})`, () => {
  it('the chosen account becomes the default; a number in the address still wins; others are refused', async () => {
    const flat = await meteredAccount(db);
    const dacha = await meteredAccount(db);
    const user = await customerOf(db, flat);
    await db.insertInto('user_accounts').values({ user_id: user.id, account_id: dacha.id }).execute();
    expect((await customerAccount(db, request(user.id))).number).toBe(flat.number);

    expect(await chooseAccount(db, { userId: user.id, number: dacha.number })).toBe(true);
    expect((await customerAccount(db, request(user.id))).number).toBe(dacha.number);
    expect((await customerAccount(db, request(user.id), flat.number)).number).toBe(flat.number);

    const stranger = await meteredAccount(db);
    await customerOf(db, stranger);
    expect(await chooseAccount(db, { userId: user.id, number: stranger.number })).toBe(false);
    await expect(customerAccount(db, request(user.id), stranger.number)).rejects.toThrow('no such account');
    expect((await customerAccount(db, request(user.id))).number).toBe(dacha.number);
  });

  it('a chosen account taken off the list falls back to the first', async () => {
    const flat = await meteredAccount(db);
    const dacha = await meteredAccount(db);
    const user = await customerOf(db, flat);
    await db.insertInto('user_accounts').values({ user_id: user.id, account_id: dacha.id }).execute();
    await chooseAccount(db, { userId: user.id, number: dacha.number });
    // Removed behind the choice's back (the holder's revoke link does this).
    await db
      .deleteFrom('user_accounts')
      .where('user_id', '=', user.id)
      .where('account_id', '=', dacha.id)
      .execute();
    expect((await customerAccount(db, request(user.id))).number).toBe(flat.number);
  });
});
