import type { Insertable } from 'kysely';
import { hashPassword } from '../auth/passwords';
import { type ChargeLine, chargesTotal } from '../billing/charges';
import {
  accountMonthRows,
  type MeterMonth,
  type MonthRateSet,
  type MonthRates,
  monthCharges,
  ratesForMonth,
  settleAccountMonth,
} from '../billing/month-closer';
import { addMonths, localDate, monthStart, type Period, periodOf, periodOfDay } from '../calendar/calendar';
import type { AccountKind, Database, Water } from '../db/schema';
import { DEMO_PASSWORD, DEMO_RATES, DEMO_STREETS } from './demo-catalogue';

export type Row<T extends keyof Database> = Insertable<Database[T]>;

/** A small deterministic generator (mulberry32), so every fresh demo is the same city. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

export type Random = ReturnType<typeof random>;

export interface MeterPlan {
  id: number;
  water: Water;
  valueL: number;
  /** Readings after this date are not billed (verification overdue). */
  verificationDue: string;
}

export interface AccountPlan {
  id: number;
  kind: AccountKind;
  residents: number;
  irrigationAreaM2: string;
  meters: MeterPlan[];
  balance: number;
  /** Penalties booked so far and what the last month billed: the penalty's basis (src/billing/penalty.ts). */
  penaltiesTiyn: number;
  billedLastMonthTiyn: number;
  /** Payment habit: 'good' pays the bill, 'late' skips months, 'over' pays ahead. */
  habit: 'good' | 'late' | 'over';
}

export interface NewAccount {
  number: string;
  kind: AccountKind;
  premise: number;
  ownerName: string;
  ownerSurname: string;
  residents: number;
  irrigationAreaM2?: string;
  contractNumber?: string;
  binIin?: string;
  openedOn: string;
}

export interface NewMeter {
  serial: string;
  water: Water;
  inputNo?: number;
  location?: string;
  verificationDue: string;
  installedOn: string;
  valueL: number;
}

export interface MonthPayment {
  amountTiyn: number;
  kind: 'regular' | 'compensation';
  paidOn: string;
}

/** A month whose figures are given (the seed's documents): volumes per meter id, reading day, payments. */
export interface FixedMonth {
  volumes?: Partial<Record<number, number>>;
  readOn?: string;
  payments?: MonthPayment[];
  compensationTiyn?: number;
}

const SOURCES = ['cabinet', 'inspector', 'phone', 'billing'] as const;

/** The rows the demo writes, table by table, in the order they are collected. */
export class DemoRows {
  readonly streets: Row<'streets'>[] = DEMO_STREETS.map((name, i) => ({
    id: i + 1,
    code: `S${String(i + 1).padStart(3, '0')}`,
    name,
  }));
  readonly buildings: Row<'buildings'>[] = [];
  readonly premises: Row<'premises'>[] = [];
  readonly accounts: Row<'accounts'>[] = [];
  readonly meters: Row<'meters'>[] = [];
  readonly readings: Row<'readings'>[] = [];
  readonly charges: Row<'charges'>[] = [];
  readonly payments: Row<'payments'>[] = [];
  readonly penalties: Row<'penalties'>[] = [];
  readonly penaltyDays: Row<'penalty_days'>[] = [];
  readonly months: Row<'account_months'>[] = [];
  readonly users: Row<'users'>[] = [];
  readonly links: Row<'user_accounts'>[] = [];
  readonly ids = { building: 0, premise: 0, account: 0, meter: 0, user: 0 };
  readonly accountNumbers = new Set<string>();
}

/**
 * The demo city while it is built: "today", the months it covers, its random numbers and rates,
 * and the steps every generator of demo accounts uses (a building, a premise, an account, a
 * meter, a cabinet user, a closed month booked by the billing rules, this month's readings).
 */
export class DemoCity extends DemoRows {
  readonly current: Period;
  readonly lastClosed: Period;
  readonly firstSynthetic: Period;
  /** Who and where: streets, buildings, accounts, owners, meters. The same whatever the day. */
  readonly rnd = random(20200525);
  /**
   * The months' readings and payments, drawn apart from `rnd`: the months up to today grow with
   * the calendar, and drawn from `rnd` they moved every account made after them (the README's
   * registration examples named other accounts each month).
   */
  readonly history = random(20200526);
  readonly #rateSets = new Map<Period, MonthRateSet>();

  constructor(
    readonly now: Date,
    historyMonths: number,
  ) {
    super();
    this.current = periodOf(now);
    this.lastClosed = addMonths(this.current, -1);
    this.firstSynthetic = addMonths(this.current, -historyMonths);
  }

  streetId(name: string): number {
    const found = this.streets.find((s) => s.name === name);
    if (!found?.id) throw new Error(`demo street ${name} missing`);
    return found.id;
  }

  addBuilding(street: number, number: string, prefix = ''): number {
    const id = ++this.ids.building;
    this.buildings.push({ id, code: `B${id}`, street_id: street, number, prefix });
    return id;
  }

  addPremise(building: number, apartment: string): number {
    const id = ++this.ids.premise;
    this.premises.push({ id, code: `P${id}`, building_id: building, apartment });
    return id;
  }

  addAccount(input: NewAccount): number {
    const id = ++this.ids.account;
    this.accountNumbers.add(input.number);
    this.accounts.push({
      id,
      number: input.number,
      kind: input.kind,
      premise_id: input.premise,
      owner_name: input.ownerName,
      owner_surname: input.ownerSurname,
      residents: input.residents,
      irrigation_area_m2: input.irrigationAreaM2 ?? '0',
      contract_number: input.contractNumber ?? null,
      bin_iin: input.binIin ?? null,
      opened_on: input.openedOn,
    });
    return id;
  }

  addMeter(account: number, input: NewMeter): MeterPlan {
    const id = ++this.ids.meter;
    this.meters.push({
      id,
      code: `M${id}`,
      account_id: account,
      input_no: input.inputNo ?? 1,
      location: input.location ?? 'С/узел',
      water: input.water,
      serial: input.serial,
      verification_due: input.verificationDue,
      installed_on: input.installedOn,
    });
    return { id, water: input.water, valueL: input.valueL, verificationDue: input.verificationDue };
  }

  /** A reading taken by the utility's inspector on `day` (the history's starting value). */
  addInspectorReading(meter: MeterPlan, day: string, exported = true): void {
    this.readings.push({
      meter_id: meter.id,
      period: monthStart(periodOfDay(day)),
      value_l: meter.valueL,
      read_on: day,
      source: 'inspector',
      status: 'accepted',
      submitted_at: `${day}T10:00:00+05:00`,
      ...(exported ? { exported_at: `${day}T23:00:00+05:00` } : {}),
    });
  }

  async addUser(
    login: string,
    account: number,
    person: { first: string; last: string; email: string; kind: AccountKind },
  ): Promise<void> {
    const id = ++this.ids.user;
    this.users.push({
      id,
      login,
      email: person.email,
      first_name: person.first,
      last_name: person.last,
      role: 'customer',
      customer_kind: person.kind,
      password_hash: await hashPassword(DEMO_PASSWORD),
      email_confirmed_at: this.now,
      subscribe_invoices: true,
      subscribe_announcements: true,
    });
    this.links.push({ user_id: id, account_id: account });
  }

  /** One closed month of an account: readings, charges, payments, penalty and the balance row. */
  bookMonth(plan: AccountPlan, period: Period, fixed?: FixedMonth): void {
    const account = {
      kind: plan.kind,
      residents: plan.residents,
      irrigationAreaM2: plan.irrigationAreaM2,
      meters: this.#monthReadings(plan, period, fixed),
    };
    // The same rules as the built-in billing run (src/billing/month-closer.ts).
    const rates = this.#ratesOf(period);
    const lines = monthCharges(account, rates);
    const payments = fixed?.payments ?? this.#monthPayments(plan, period, lines);
    for (const p of payments) {
      this.payments.push({
        account_id: plan.id,
        paid_on: p.paidOn,
        period: monthStart(period),
        amount_tiyn: p.amountTiyn,
        kind: p.kind,
        source: 'billing',
      });
    }
    const input = {
      ...account,
      openingTiyn: plan.balance,
      penaltiesBeforeTiyn: plan.penaltiesTiyn,
      billedLastMonthTiyn: plan.billedLastMonthTiyn,
      payments,
      recalculationTiyn: 0,
      otherTiyn: 0,
    };
    // The seed's own months carry no penalty: their figures are the seed's.
    const result = settleAccountMonth(input, lines, fixed ? { period, penaltyDaily: [] } : rates);
    const rows = accountMonthRows(plan.id, period, input, result);
    this.charges.push(...rows.charges);
    this.penalties.push(...rows.penalties);
    this.penaltyDays.push(...rows.penaltyDays);
    // The seed's invoice B shows a compensation that is not among its payments.
    this.months.push({
      ...rows.month,
      compensation_tiyn: fixed?.compensationTiyn ?? result.compensationTiyn,
    });
    plan.balance = result.closingTiyn;
    plan.penaltiesTiyn += result.penalty?.amountTiyn ?? 0;
    plan.billedLastMonthTiyn = result.chargedTiyn;
  }

  /** Readings of the open month for some metered accounts, as if submitted in the cabinet. */
  openMonthReadings(plan: AccountPlan, share: number): void {
    const { rnd, current } = this;
    if (!plan.meters.length || !rnd.chance(share)) return;
    const day = Math.min(Number(localDate(this.now).slice(8, 10)), 20);
    const readOn = `${current}-${String(rnd.int(1, Math.max(1, day))).padStart(2, '0')}`;
    for (const meter of plan.meters) {
      meter.valueL += meter.water === 'cold' ? rnd.int(1000, 6000) : rnd.int(500, 3000);
      this.readings.push({
        meter_id: meter.id,
        period: monthStart(current),
        value_l: meter.valueL,
        read_on: readOn,
        source: 'cabinet',
        status: 'accepted',
        submitted_at: `${readOn}T19:30:00+05:00`,
      });
    }
  }

  #ratesOf(period: Period): MonthRateSet {
    let set = this.#rateSets.get(period);
    if (!set) {
      set = ratesForMonth(period, DEMO_RATES as unknown as MonthRates);
      this.#rateSets.set(period, set);
    }
    return set;
  }

  /** The month's reading of every meter of the account (exported to billing), as the month's volumes. */
  #monthReadings(plan: AccountPlan, period: Period, fixed?: FixedMonth): MeterMonth[] {
    const rnd = this.history;
    const readOn = fixed?.readOn ?? `${period}-${String(rnd.int(18, 26)).padStart(2, '0')}`;
    return plan.meters.map((meter) => {
      const consumption =
        fixed?.volumes?.[meter.id] ??
        (meter.water === 'cold' ? rnd.int(1500, 7000) : rnd.int(800, 3500)) * (plan.kind === 'legal' ? 8 : 1);
      const startL = meter.valueL;
      meter.valueL += consumption;
      if (meter.valueL > 99_999_999) meter.valueL -= 100_000_000;
      this.readings.push({
        meter_id: meter.id,
        period: monthStart(period),
        value_l: meter.valueL,
        read_on: readOn,
        source: rnd.pick(SOURCES),
        status: 'accepted',
        submitted_at: `${readOn}T10:00:00+05:00`,
        exported_at: `${readOn}T23:00:00+05:00`,
      });
      return { water: meter.water, verificationDue: meter.verificationDue, startL, endL: meter.valueL };
    });
  }

  /** Payments of the month by the account's habit: usually last month's bill, paid before the 25th. */
  #monthPayments(plan: AccountPlan, period: Period, lines: ChargeLine[]): MonthPayment[] {
    const rnd = this.history;
    const chargedTiyn = chargesTotal(lines);
    const due = Math.max(0, plan.balance);
    const payDay = `${period}-${String(rnd.int(3, 28)).padStart(2, '0')}`;
    const payments: MonthPayment[] = [];
    if (plan.habit === 'good' && due > 0) payments.push({ amountTiyn: due, kind: 'regular', paidOn: payDay });
    if (plan.habit === 'over' && rnd.chance(0.4)) {
      payments.push({
        amountTiyn: Math.round((due + chargedTiyn * 3) / 100) * 100,
        kind: 'regular',
        paidOn: payDay,
      });
    }
    if (plan.habit === 'late' && due > 0 && rnd.chance(0.45)) {
      payments.push({ amountTiyn: Math.round(due / 100) * 100, kind: 'regular', paidOn: payDay });
    }
    return payments;
  }
}
