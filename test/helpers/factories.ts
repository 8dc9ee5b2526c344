import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords';
import { createStaffUser } from '../../src/backoffice/staff-users.service';
import { type CloseMonthResult, closeMonth } from '../../src/billing/month-closer.service';
import { monthStart, type Period } from '../../src/calendar/calendar';
import type { DB } from '../../src/db/database';
import type { AccountKind, Locale, Water } from '../../src/db/schema';
import { DEMO_RATES } from '../../src/demo/demo-catalogue';

/**
 * Test factories: each test builds the few rows it needs on a fresh database (testDatabase())
 * instead of leaning on the shared demo city, which earlier tests in the same file change.
 * Every factory makes its own unique numbers and codes, so several can run in one database.
 */

/** A short unique tag for codes and logins (8 hex digits). */
const tag = () => randomBytes(4).toString('hex');
/** An 8-digit personal account number nobody else in the database has (first digit 9: no demo account). */
const accountNumber = () => `9${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`;

/** The demo city's rates (the seed's tariffs, VAT 12% then 16% from 2026, norms, penalty rates), once per database. */
export async function rates(db: DB): Promise<void> {
  const present = await db.selectFrom('vat_rates').select('effective_from').limit(1).executeTakeFirst();
  if (present) return;
  await db
    .insertInto('tariffs')
    .values(DEMO_RATES.tariffs.map((t) => ({ ...t })))
    .execute();
  await db
    .insertInto('vat_rates')
    .values(DEMO_RATES.vat.map((v) => ({ ...v })))
    .execute();
  await db
    .insertInto('norms')
    .values(DEMO_RATES.norms.map((n) => ({ ...n })))
    .execute();
  await db
    .insertInto('penalty_rates')
    .values(DEMO_RATES.penaltyRates.map((p) => ({ ...p })))
    .execute();
}

export interface MeterSpec {
  water?: Water;
  /** The meter's verification date ('YYYY-MM-DD'); null: none recorded. Default: years ahead. */
  verificationDue?: string | null;
  location?: string;
  installedOn?: string;
}

export interface MeteredAccount {
  id: number;
  number: string;
  kind: AccountKind;
  surname: string;
  street: string;
  /** Where the account is: the street's id, the house number, its prefix and the flat. */
  address: { streetId: number; house: string; prefix: string; apartment: string };
  meters: { id: number; code: string; water: Water; serial: string }[];
}

/**
 * An account at an address of its own (street, building, flat) with meters: by default one cold
 * and one hot meter verified until 2031, an individual with 3 residents.
 */
export async function meteredAccount(
  db: DB,
  options: {
    kind?: AccountKind;
    residents?: number;
    surname?: string;
    meters?: MeterSpec[];
    openedOn?: string;
  } = {},
): Promise<MeteredAccount> {
  const t = tag();
  const kind = options.kind ?? 'individual';
  const surname = options.surname ?? (kind === 'legal' ? 'ТОО Сынақ' : 'Сынақова');
  const streetName = `Сынақ көшесі ${t}`;
  const street = await db
    .insertInto('streets')
    .values({ code: `ST-${t}`, name: streetName })
    .returning('id')
    .executeTakeFirstOrThrow();
  const building = await db
    .insertInto('buildings')
    .values({ code: `B-${t}`, street_id: street.id, number: '1' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const premise = await db
    .insertInto('premises')
    .values({ code: `P-${t}`, building_id: building.id, apartment: '1' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const account = await db
    .insertInto('accounts')
    .values({
      number: accountNumber(),
      kind,
      premise_id: premise.id,
      owner_name: kind === 'legal' ? surname : `${surname} Айгүл`,
      owner_surname: surname,
      residents: options.residents ?? 3,
      contract_number: kind === 'legal' ? `C-${t}` : null,
      bin_iin:
        kind === 'legal' ? `9${String(randomBytes(4).readUInt32BE()).padStart(11, '0').slice(-11)}` : null,
      opened_on: options.openedOn ?? '2019-01-01',
    })
    .returning(['id', 'number'])
    .executeTakeFirstOrThrow();
  const specs = options.meters ?? [{ water: 'cold' }, { water: 'hot' }];
  const meters: MeteredAccount['meters'] = [];
  for (const [i, spec] of specs.entries()) {
    const water = spec.water ?? 'cold';
    const serial = `${t}${i}`;
    const meter = await db
      .insertInto('meters')
      .values({
        code: `M-${t}-${i}`,
        account_id: account.id,
        input_no: 1,
        location: spec.location ?? 'С/узел',
        water,
        serial,
        verification_due: spec.verificationDue === undefined ? '2031-01-01' : spec.verificationDue,
        installed_on: spec.installedOn ?? '2019-01-01',
      })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow();
    meters.push({ id: meter.id, code: meter.code, water, serial });
  }
  return {
    id: account.id,
    number: account.number,
    kind,
    surname,
    street: streetName,
    address: { streetId: street.id, house: '1', prefix: '', apartment: '1' },
    meters,
  };
}

/** A confirmed cabinet customer of `account` (login = the account number). */
export async function customerOf(
  db: DB,
  account: Pick<MeteredAccount, 'id' | 'number' | 'kind' | 'surname'>,
  options: { password?: string; email?: string; locale?: Locale } = {},
) {
  const password = options.password ?? 'Su-arnasy-2026';
  const email = options.email ?? `c${account.number}@example.kz`;
  const user = await db
    .insertInto('users')
    .values({
      login: account.number,
      email,
      email_confirmed_at: new Date(),
      last_name: account.surname,
      role: 'customer',
      customer_kind: account.kind,
      password_hash: await hashPassword(password),
      locale: options.locale ?? 'ru',
    })
    .returning(['id', 'login'])
    .executeTakeFirstOrThrow();
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: account.id }).execute();
  return { id: user.id, login: user.login, password, email };
}

/** An operator or administrator, made by the same use case as `npm run admin`. */
export async function staffUser(
  db: DB,
  options: { role?: 'operator' | 'admin'; locale?: Locale; password?: string } = {},
) {
  const role = options.role ?? 'operator';
  const login = `${role}-${tag()}`;
  const password = options.password ?? 'Staff-password-2026';
  const email = `${login}@vodokanal.test`;
  const id = await createStaffUser(db, { login, role, email, password, locale: options.locale ?? 'ru' });
  return { id, login, email, password, role };
}

/**
 * Stores the month's readings as the billing system would have them (accepted, read on the
 * 25th), then closes the month with the real billing run. `readings` maps meter ids to litres.
 */
export async function closedMonth(
  db: DB,
  period: Period,
  readings: Record<number, number> = {},
): Promise<CloseMonthResult> {
  await rates(db);
  const entries = Object.entries(readings);
  if (entries.length)
    await db
      .insertInto('readings')
      .values(
        entries.map(([meterId, litres]) => ({
          meter_id: Number(meterId),
          period: monthStart(period),
          value_l: litres,
          read_on: `${period}-25`,
          source: 'billing' as const,
          idempotency_key: `factory:${meterId}:${period}:${tag()}`,
        })),
      )
      .execute();
  return closeMonth(db, period);
}
