import { hashPassword } from '../auth/passwords';
import { DEMO_PASSWORD } from './demo-catalogue';
import type { DemoCity } from './demo-city';

/** The demo rows the multi-account demo reads and adds to, before they are written. */
type DemoRows = Pick<DemoCity, 'accounts' | 'premises' | 'meters' | 'users' | 'links' | 'ids' | 'now'>;

/** Owners the README's registration and lookup examples use: their accounts stay without a cabinet. */
const KEPT_FOR_OTHER_EXAMPLES = /^Морозов/;

/**
 * A demo customer with two accounts under one login (docs/decisions/160-*): a flat and a dacha (a
 * private house with a garden to water) of the same owner. Picked among the synthetic accounts
 * nobody has a cabinet for, from the end of the city, so tests that take the first free accounts
 * never meet them. The login is the flat's number; the flat is linked first, so it is shown until
 * the header switcher picks the dacha.
 */
export async function addMultiAccountDemo(rows: DemoRows): Promise<{ login: string; dacha: string } | null> {
  const linked = new Set(rows.links.map((l) => l.account_id));
  const metered = new Set(rows.meters.map((m) => m.account_id));
  const apartmentOf = new Map(rows.premises.map((p) => [p.id, p.apartment ?? '']));
  const free = rows.accounts.filter(
    (a) =>
      a.kind === 'individual' &&
      !linked.has(a.id as number) &&
      metered.has(a.id as number) &&
      !KEPT_FOR_OTHER_EXAMPLES.test(a.owner_surname ?? ''),
  );
  const flat = free.findLast((a) => apartmentOf.get(a.premise_id) !== '');
  const dacha = free.findLast(
    (a) => apartmentOf.get(a.premise_id) === '' && Number(a.irrigation_area_m2) > 0,
  );
  if (!flat || !dacha) return null;
  // One owner for both.
  dacha.owner_name = flat.owner_name;
  dacha.owner_surname = flat.owner_surname;
  rows.ids.user += 1;
  const [first = ''] = flat.owner_name.split(' ').slice(1);
  rows.users.push({
    id: rows.ids.user,
    login: flat.number,
    email: `dacha-${flat.number}@example.kz`,
    first_name: first,
    last_name: flat.owner_surname,
    role: 'customer',
    customer_kind: 'individual',
    password_hash: await hashPassword(DEMO_PASSWORD),
    email_confirmed_at: rows.now,
    locale: 'ru',
  });
  // The dacha a day later: the flat is the first account, the default until another is chosen.
  const day = 86_400_000;
  rows.links.push(
    {
      user_id: rows.ids.user,
      account_id: flat.id as number,
      created_at: new Date(rows.now.getTime() - 2 * day),
    },
    {
      user_id: rows.ids.user,
      account_id: dacha.id as number,
      created_at: new Date(rows.now.getTime() - day),
    },
  );
  return { login: flat.number, dacha: dacha.number };
}
