import { sql } from 'kysely';
import { linkedAccountsOf } from '../accounts/accounts.queries';
import type { DB } from '../db/database';
import type { Water } from '../readings/readings.queries';

/** A meter of one of the user's accounts with its latest stored reading (not a rejected one). */
export interface PremisesMeter {
  id: number;
  inputNo: number;
  water: Water;
  serial: string;
  /** The latest reading stored for the meter, of any month; null when it has none. */
  last: { valueL: number; readOn: string; period: string; flagged: boolean } | null;
}

/** One of the user's accounts as the premises overview shows it. */
export interface PremisesAccount {
  id: number;
  number: string;
  kind: 'individual' | 'legal';
  street: string;
  house: string;
  prefix: string;
  apartment: string;
  /**
   * The ledger's closing balance of the account's newest billed month before `current` (the
   * figure that month's invoice and statement end with; positive is debt), or null without one.
   */
  balance: { period: string; closingTiyn: number } | null;
  meters: PremisesMeter[];
}

/** A row of `premisesOfUser`'s statement: the account's own columns as the overview has them, then the rest raw. */
interface Row extends Omit<PremisesAccount, 'balance' | 'meters'> {
  balance_period: string | null;
  closing_tiyn: string | number | null;
  meters: {
    id: number;
    input_no: number;
    water: Water;
    serial: string;
    value_l: number | string | null;
    read_on: string | null;
    period: string | null;
    status: string | null;
  }[];
}

/**
 * Every account of a cabinet user, in one statement whatever their number: address, the closing
 * balance of the newest month with ledger figures before `current` ('YYYY-MM-01', the open month),
 * and the meters in service, each with its latest stored reading. Ordered as accountsOfUser.
 */
export async function premisesOfUser(db: DB, userId: number, current: string): Promise<PremisesAccount[]> {
  const result = await sql<Row>`
    select a.id, a.number, a.kind, s.name as street, b.number as house, b.prefix, p.apartment,
           to_char(bal.period, 'YYYY-MM') as balance_period, bal.closing_tiyn::text as closing_tiyn,
           coalesce(mt.meters, '[]'::json) as meters
    from user_accounts ua
    join accounts a on a.id = ua.account_id
    join premises p on p.id = a.premise_id
    join buildings b on b.id = p.building_id
    join streets s on s.id = b.street_id
    left join lateral (
      select am.period, am.closing_tiyn from account_months am
      where am.account_id = a.id and am.period < ${current}::date
      order by am.period desc limit 1
    ) bal on true
    left join lateral (
      select json_agg(json_build_object(
               'id', m.id, 'input_no', m.input_no, 'water', m.water, 'serial', m.serial,
               'value_l', lr.value_l, 'read_on', to_char(lr.read_on, 'YYYY-MM-DD'),
               'period', to_char(lr.period, 'YYYY-MM-DD'), 'status', lr.status)
             order by m.input_no, m.water, m.serial, m.id) as meters
      from meters m
      left join lateral (
        select r.value_l, r.read_on, r.period, r.status from readings r
        where r.meter_id = m.id and r.status <> 'rejected'
        order by r.period desc, r.id desc limit 1
      ) lr on true
      where m.account_id = a.id and m.removed_on is null
    ) mt on true
    where ua.user_id = ${userId}
    order by ua.created_at, a.number`.execute(db);
  return result.rows.map(({ balance_period, closing_tiyn, meters, ...account }) => ({
    ...account,
    balance:
      balance_period !== null && closing_tiyn !== null
        ? { period: balance_period, closingTiyn: Number(closing_tiyn) }
        : null,
    meters: meters.map((m) => ({
      id: m.id,
      inputNo: m.input_no,
      water: m.water,
      serial: m.serial,
      last:
        m.value_l !== null && m.read_on !== null && m.period !== null
          ? {
              valueL: Number(m.value_l),
              readOn: m.read_on,
              period: m.period,
              flagged: m.status === 'flagged',
            }
          : null,
    })),
  }));
}

/** The meters in service of the user's accounts, each with its account's number: whose meter is whose. */
export async function meterAccountsOfUser(
  db: DB,
  userId: number,
): Promise<{ meterId: number; accountNumber: string }[]> {
  return linkedAccountsOf(db, userId)
    .innerJoin('meters', 'meters.account_id', 'accounts.id')
    .select(['meters.id as meterId', 'accounts.number as accountNumber'])
    .where('meters.removed_on', 'is', null)
    .orderBy('user_accounts.created_at')
    .orderBy('accounts.number')
    .orderBy('meters.id')
    .execute();
}
