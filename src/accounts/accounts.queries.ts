import { sql } from 'kysely';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import { type DB, executePrepared } from '../db/database';
import type { AccountKind } from '../db/schema';

/** An account with its address, as pages show it. */
export interface AccountView {
  id: number;
  number: string;
  kind: AccountKind;
  ownerName: string;
  ownerSurname: string;
  residents: number;
  irrigationAreaM2: string;
  contractNumber: string | null;
  binIin: string | null;
  street: string;
  house: string;
  prefix: string;
  apartment: string;
  hasMeters: boolean;
}

/**
 * Accounts joined to their premise, building and street, with the address columns `formatAddress`
 * reads (street, house, prefix, apartment). The base of every question that shows an account's address.
 */
export function accountWithAddress(db: DB) {
  return db
    .selectFrom('accounts')
    .innerJoin('premises', 'premises.id', 'accounts.premise_id')
    .innerJoin('buildings', 'buildings.id', 'premises.building_id')
    .innerJoin('streets', 'streets.id', 'buildings.street_id')
    .select([
      'streets.name as street',
      'buildings.number as house',
      'buildings.prefix',
      'premises.apartment',
    ]);
}

function accountQuery(db: DB) {
  return accountWithAddress(db).select([
    'accounts.id',
    'accounts.number',
    'accounts.kind',
    'accounts.owner_name as ownerName',
    'accounts.owner_surname as ownerSurname',
    'accounts.residents',
    'accounts.irrigation_area_m2 as irrigationAreaM2',
    'accounts.contract_number as contractNumber',
    'accounts.bin_iin as binIin',
    sql<boolean>`exists (select 1 from meters m where m.account_id = accounts.id and m.removed_on is null)`.as(
      'hasMeters',
    ),
  ]);
}

export function findAccountByNumber(db: DB, number: string): Promise<AccountView | undefined> {
  return accountQuery(db).where('accounts.number', '=', number).executeTakeFirst();
}

export function findAccountById(db: DB, id: number): Promise<AccountView | undefined> {
  return accountQuery(db).where('accounts.id', '=', id).executeTakeFirst();
}

/** The accounts in a user's list, each joined to its link: the base of questions about "my accounts". */
/**
 * Which of these (user, account) pairs are links that exist now, as `${user}:${account}`: one
 * statement for a batch of messages about to be sent.
 */
export async function heldPairs(
  db: DB,
  pairs: { userId: number; accountId: number }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await sql<{ user_id: number; account_id: number }>`
    select ua.user_id, ua.account_id from user_accounts ua
    join unnest(${pairs.map((p) => p.userId)}::int[], ${pairs.map((p) => p.accountId)}::int[]) as q(user_id, account_id)
      on q.user_id = ua.user_id and q.account_id = ua.account_id`.execute(db);
  return new Set(rows.rows.map((r) => `${r.user_id}:${r.account_id}`));
}

export function linkedAccountsOf(db: DB, userId: number) {
  return db
    .selectFrom('user_accounts')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .where('user_accounts.user_id', '=', userId);
}

/** The accounts of these ids (those that still exist), in no particular order. */
export function findAccountsByIds(db: DB, ids: readonly number[]): Promise<AccountView[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return accountQuery(db).where('accounts.id', 'in', ids).execute();
}

/** The accounts a cabinet user may see, first linked first. */
export function accountsOfUser(db: DB, userId: number): Promise<AccountView[]> {
  return accountQuery(db)
    .innerJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .where('user_accounts.user_id', '=', userId)
    .orderBy('user_accounts.created_at')
    .orderBy('accounts.number')
    .execute();
}

/**
 * The accounts of a cabinet user as accountsOfUser orders them, each saying whether it is the one
 * the user chose in the header switcher: every cabinet page asks it, so requests arriving together
 * share one statement (`batched`), sent after each of them asked.
 */
export function accountsOfUserWithChoice(
  db: DB,
  userId: number,
): Promise<(AccountView & { chosen: boolean })[]> {
  return accountsWithChoiceLookup(db)(userId);
}

const accountsWithChoiceLookup = perDatabase((db: DB) =>
  batched(async (userIds: readonly number[]) => {
    const rows = await executePrepared(
      db,
      accountQuery(db)
        .innerJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
        .innerJoin('users', 'users.id', 'user_accounts.user_id')
        .select([
          'user_accounts.user_id as userId',
          sql<boolean>`coalesce(users.chosen_account_id = accounts.id, false)`.as('chosen'),
        ])
        .where(sql<boolean>`user_accounts.user_id = any(${[...new Set(userIds)]}::int[])`)
        .orderBy('user_accounts.user_id')
        .orderBy('user_accounts.created_at')
        .orderBy('accounts.number'),
    );
    const byUser = new Map<number, (AccountView & { chosen: boolean })[]>();
    for (const { userId, ...account } of rows) {
      const list = byUser.get(userId) ?? [];
      list.push(account);
      byUser.set(userId, list);
    }
    return userIds.map((id) => [...(byUser.get(id) ?? [])]);
  }, STATEMENT_BATCHES),
);

/** "Красина, 3А-12": street, house with its prefix, apartment. */
export function formatAddress(a: Pick<AccountView, 'street' | 'house' | 'prefix' | 'apartment'>): string {
  const house = `${a.house}${a.prefix}`;
  return a.apartment ? `${a.street}, ${house}-${a.apartment}` : `${a.street}, ${house}`;
}

/** The address with the house and apartment cut, as the anonymous breakdown shows it ("Красина, 3-…"). */
export function maskAddress(a: Pick<AccountView, 'street' | 'house' | 'prefix' | 'apartment'>): string {
  return `${a.street}, ${a.house}${a.prefix}-…`;
}

/** "Иванов И. И." style masking of an owner's name: first word kept, the rest as initials. */
export function maskName(name: string): string {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  const masked = first.length > 1 ? `${first[0]}${'*'.repeat(Math.min(first.length - 1, 6))}` : first;
  return [masked, ...rest.map((w) => `${w[0] ?? ''}.`)].join(' ');
}

/** Every street, as the address forms list them. */
export function allStreets(db: DB): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('streets').select(['id', 'name']).execute();
}

/**
 * The open household accounts at exactly this address (house, letter and apartment in any case),
 * with their owners' surnames to compare.
 */
export function householdsAtAddress(
  db: DB,
  address: { streetId: number; house: string; prefix: string; apartment: string },
) {
  return accountWithAddress(db)
    .select([
      'accounts.number',
      'accounts.owner_surname',
      sql<boolean>`exists (select 1 from meters m where m.account_id = accounts.id and m.removed_on is null)`.as(
        'hasMeters',
      ),
    ])
    .where('buildings.street_id', '=', address.streetId)
    .where(sql`lower(buildings.number)`, '=', address.house.toLowerCase())
    .where(sql`lower(buildings.prefix)`, '=', address.prefix.toLowerCase())
    .where(sql`lower(premises.apartment)`, '=', address.apartment.toLowerCase())
    .where('accounts.kind', '=', 'individual')
    .where('accounts.closed_on', 'is', null)
    .execute();
}
