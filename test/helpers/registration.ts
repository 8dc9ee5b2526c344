import type { DB } from '../../src/db/database';

/** The IIN a form gives when the account has none on record. */
export const HOLDER_IIN = '900101301233';

/** Household accounts of the demo city with an owner surname and no cabinet user yet, by number. */
export function freeHouseholds(db: DB) {
  return db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select(['accounts.number', 'accounts.owner_surname', 'accounts.bin_iin'])
    .where('accounts.kind', '=', 'individual')
    .where('accounts.owner_surname', '<>', '')
    .where('user_accounts.user_id', 'is', null)
    .orderBy('accounts.number')
    .execute();
}

/** The first of them. */
export async function freeHousehold(db: DB) {
  const [first] = await freeHouseholds(db);
  if (!first) throw new Error('no household account without a user left');
  return first;
}

/** The registration form a household's owner fills in for that account. */
export function householdForm(
  acc: { number: string; owner_surname: string; bin_iin: string | null },
  fields: { firstName: string; email: string; password: string },
) {
  return {
    kind: 'individual' as const,
    firstName: fields.firstName,
    lastName: acc.owner_surname,
    account: acc.number,
    binIin: acc.bin_iin ?? HOLDER_IIN,
    contract: '',
    email: fields.email,
    password: fields.password,
    passwordRepeat: fields.password,
    consent: true,
  };
}

/** The registration page's form as a household's owner posts it (the holder IIN above unless given). */
export function householdPost(
  acc: { number: string; surname: string },
  fields: { firstName: string; email: string; password: string; binIin?: string },
) {
  return {
    kind: 'individual',
    firstName: fields.firstName,
    lastName: acc.surname,
    account: acc.number,
    binIin: fields.binIin ?? HOLDER_IIN,
    email: fields.email,
    password: fields.password,
    passwordRepeat: fields.password,
    consent: '1',
  };
}
