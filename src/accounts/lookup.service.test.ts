import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import type { DB } from '../db/database';
import { findAccountByAddress } from './lookup.service';
import { verifyLookupToken } from './lookup-token';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const ctx = { userId: null, ip: '10.0.0.11', secret: 'k'.repeat(32) };

let handle: TestDatabase;
let db: DB;
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 8, months: 1 });
  db = handle.db;
});
afterAll(async () => handle?.close());

describe(`findAccountByAddress (${engine})`, () => {
  it('finds a household by its exact address and the surname in any case, and nothing by less', async () => {
    const acc = await db
      .selectFrom('accounts')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .innerJoin('buildings', 'buildings.id', 'premises.building_id')
      .select([
        'accounts.number',
        'accounts.owner_surname',
        'buildings.street_id',
        'buildings.number as house',
      ])
      .select(['buildings.prefix', 'premises.apartment'])
      .where('accounts.kind', '=', 'individual')
      .where('accounts.owner_surname', '<>', '')
      .where('accounts.closed_on', 'is', null)
      .orderBy('accounts.number')
      .executeTakeFirstOrThrow();
    const address = {
      streetId: acc.street_id,
      house: acc.house.toUpperCase(),
      prefix: acc.prefix,
      apartment: acc.apartment,
      surname: acc.owner_surname.toLowerCase(),
    };
    const found = await findAccountByAddress(db, address, ctx);
    expect(found).toMatchObject({ number: acc.number });
    expect(verifyLookupToken(ctx.secret, found?.token ?? '')).toBe(acc.number);

    expect(await findAccountByAddress(db, { ...address, surname: 'Someone' }, ctx)).toBeNull();
    expect(await findAccountByAddress(db, { ...address, apartment: `${acc.apartment}9` }, ctx)).toBeNull();
    const audit = await db.selectFrom('audit_log').select(['action', 'subject']).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'lookup.found', subject: acc.number },
      { action: 'lookup.miss', subject: '' },
      { action: 'lookup.miss', subject: '' },
    ]);
  });
});
