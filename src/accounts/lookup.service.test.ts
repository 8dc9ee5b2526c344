import { describe, expect, it } from 'vitest';
import { meteredAccount } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { findAccountByAddress } from './lookup.service';
import { verifyLookupToken } from './lookup-token';

const ctx = { userId: null, ip: '10.0.0.11', secret: 'k'.repeat(32) };

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

describe(`findAccountByAddress (${engine})`, () => {
  it('finds a household by its exact address and the surname in any case, and nothing by less', async () => {
    const acc = await meteredAccount(db, { surname: 'Әбенова' });
    await meteredAccount(db, { surname: 'Әбенова' });
    const address = {
      streetId: acc.address.streetId,
      house: acc.address.house.toUpperCase(),
      prefix: acc.address.prefix,
      apartment: acc.address.apartment,
      surname: acc.surname.toLowerCase(),
    };
    const found = await findAccountByAddress(db, address, ctx);
    expect(found).toMatchObject({ number: acc.number });
    expect(verifyLookupToken(ctx.secret, found?.token ?? '')).toBe(acc.number);

    expect(await findAccountByAddress(db, { ...address, surname: 'Someone' }, ctx)).toBeNull();
    expect(
      await findAccountByAddress(db, { ...address, apartment: `${acc.address.apartment}9` }, ctx),
    ).toBeNull();
    const audit = await db.selectFrom('audit_log').select(['action', 'subject']).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'lookup.found', subject: acc.number },
      { action: 'lookup.miss', subject: '' },
      { action: 'lookup.miss', subject: '' },
    ]);
  });
});
