import type { Kysely } from 'kysely';
import { firstDayAfter, periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';
import type { NormKind, Service, TariffCustomerKind } from './rates';

/** The first day of the first month a new rate may take effect: after the last closed billing period. */
export async function firstOpenMonth(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('billing_periods')
    .select((eb) => eb.fn.max('period').as('last'))
    .where('status', '=', 'closed')
    .executeTakeFirst();
  const last = row?.last as string | null | undefined;
  if (!last) return null;
  return firstDayAfter(periodOfDay(last));
}

/** Every tariff, newest first (then by customer kind and service). */
export function listTariffs(db: DB) {
  return db
    .selectFrom('tariffs')
    .selectAll()
    .orderBy('effective_from', 'desc')
    .orderBy('customer_kind')
    .orderBy('service')
    .execute();
}

/** Every VAT rate, newest first. */
export function listVatRates(db: DB) {
  return db.selectFrom('vat_rates').selectAll().orderBy('effective_from', 'desc').execute();
}

/** Every consumption norm, newest first (then by kind). */
export function listNorms(db: DB) {
  return db.selectFrom('norms').selectAll().orderBy('effective_from', 'desc').orderBy('kind').execute();
}

export type RatesOverview = {
  tariffs: Awaited<ReturnType<typeof listTariffs>>;
  vat: Awaited<ReturnType<typeof listVatRates>>;
  norms: Awaited<ReturnType<typeof listNorms>>;
  firstOpen: string | null;
};

/** What the rates page shows: the three tables and the earliest date a new rate may take. */
export async function ratesOverview(db: DB): Promise<RatesOverview> {
  const [tariffs, vat, norms, firstOpen] = await Promise.all([
    listTariffs(db),
    listVatRates(db),
    listNorms(db),
    firstOpenMonth(db),
  ]);
  return { tariffs, vat, norms, firstOpen };
}

export interface TariffKey {
  service: Service;
  customerKind: TariffCustomerKind;
  effectiveFrom: string;
}

/** The price already set for exactly this service, customer kind and date, if any. */
export async function tariffPriceOn(db: DB, key: TariffKey): Promise<number | undefined> {
  const row = await db
    .selectFrom('tariffs')
    .select('price_tiyn_per_m3')
    .where('service', '=', key.service)
    .where('customer_kind', '=', key.customerKind)
    .where('effective_from', '=', key.effectiveFrom)
    .executeTakeFirst();
  return row?.price_tiyn_per_m3;
}

/** Sets the price from a date (a second price on the same date replaces the first). */
export async function upsertTariff(db: DB, key: TariffKey, priceTiyn: number): Promise<void> {
  await db
    .insertInto('tariffs')
    .values({
      service: key.service,
      customer_kind: key.customerKind,
      effective_from: key.effectiveFrom,
      price_tiyn_per_m3: priceTiyn,
    })
    .onConflict((oc) =>
      oc
        .columns(['service', 'customer_kind', 'effective_from'])
        .doUpdateSet({ price_tiyn_per_m3: priceTiyn }),
    )
    .execute();
}

/** Sets the VAT rate from a date. */
export async function upsertVatRate(db: DB, effectiveFrom: string, rateBp: number): Promise<void> {
  await db
    .insertInto('vat_rates')
    .values({ effective_from: effectiveFrom, rate_bp: rateBp })
    .onConflict((oc) => oc.column('effective_from').doUpdateSet({ rate_bp: rateBp }))
    .execute();
}

export interface NormRow {
  litres: number;
  season_from_month: number | null;
  season_to_month: number | null;
}

/** Sets a consumption norm from a date. */
export async function upsertNorm(db: DB, kind: NormKind, effectiveFrom: string, row: NormRow): Promise<void> {
  await db
    .insertInto('norms')
    .values({ kind, effective_from: effectiveFrom, ...row })
    .onConflict((oc) => oc.columns(['kind', 'effective_from']).doUpdateSet(row))
    .execute();
}
