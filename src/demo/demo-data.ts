import { type Insertable, sql } from 'kysely';
import { iinCheckDigit } from '../auth/iin';
import { hashPassword } from '../auth/passwords';
import { chargesTotal } from '../billing/charges';
import {
  type MeterMonth,
  type MonthRateSet,
  type MonthRates,
  monthCharges,
  ratesForMonth,
  settleAccountMonth,
} from '../billing/month-closer';
import {
  ALMATY_OFFSET_MS,
  addMonths,
  localDate,
  monthStart,
  type Period,
  periodOf,
  periodOfDay,
  periodRange,
} from '../calendar/calendar';
import type { DB } from '../db/database';
import { type AccountKind, type Database, WATERS, type Water } from '../db/schema';
import { DEMO_PASSWORD, DEMO_RATES, DEMO_STAFF, DEMO_STREETS, SEED_ACCOUNTS } from './demo-catalogue';
import { addCompanyPremises } from './demo-company-premises';
import { addMultiAccountDemo } from './demo-multi-account';

type Row<T extends keyof Database> = Insertable<Database[T]>;

export interface DemoOptions {
  log?: (line: string) => void;
  /** "Today" for the demo: history runs up to the month before this one. */
  now?: Date;
  /** Number of synthetic accounts besides the seed's. */
  accounts?: number;
  /** Months of synthetic history. */
  months?: number;
}

/** Loads the demo city once, into an empty database. Returns false when data is already there. */
export async function loadDemoDataIfEmpty(db: DB, options: DemoOptions = {}): Promise<boolean> {
  const existing = await db
    .selectFrom('accounts')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (existing.n > 0) return false;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const data = await generateDemoData(options);
  await db.transaction().execute(async (tx) => {
    for (const [table, rows] of data.tables) {
      await insertBatches(tx, table, rows);
    }
    for (const table of ['streets', 'buildings', 'premises', 'accounts', 'meters', 'users']) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 1))`.execute(
        tx,
      );
    }
  });
  const rows = data.tables.reduce((n, [, r]) => n + r.length, 0);
  log(
    `Demo data: ${data.accountCount} accounts, ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return true;
}

async function insertBatches(db: DB, table: keyof Database, rows: readonly object[]) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.min(2000, Math.floor(30_000 / columns)));
  // Rows are typed per table by the generator; the loop over tables erases that type.
  const into = db.insertInto(table) as unknown as {
    values(rows: readonly object[]): { execute(): Promise<unknown> };
  };
  for (let i = 0; i < rows.length; i += size) {
    await into.values(rows.slice(i, i + size)).execute();
  }
}

/** A small deterministic generator, so every fresh demo is the same city. */
function random(seed: number) {
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

interface MeterPlan {
  id: number;
  water: Water;
  valueL: number;
  /** Readings after this date are not billed (verification overdue). */
  verificationDue: string;
}

interface AccountPlan {
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

const FIRST_NAMES = [
  'Айгүл',
  'Ерлан',
  'Сәуле',
  'Нұрлан',
  'Мария',
  'Иван',
  'Гүлнар',
  'Асхат',
  'Ольга',
  'Бауыржан',
  'Дина',
  'Сергей',
  'Жанар',
  'Алексей',
  'Әсем',
  'Виктор',
];
const SURNAMES = [
  'Ахметов',
  'Серікбаев',
  'Иванов',
  'Қасымов',
  'Петров',
  'Жұмабаев',
  'Ким',
  'Смағұлов',
  'Попов',
  'Оспанов',
  'Нұрланов',
  'Сидоров',
  'Әбілов',
  'Кузнецов',
  'Төлеуов',
  'Морозов',
  'Байжанов',
  'Волков',
];
const COMPANIES = [
  '«Алтай Сервис» ЖШС',
  '«Ертіс Нан» ЖШС',
  '«Шығыс Құрылыс» АҚ',
  '«Өскемен Дәріхана» ЖШС',
  '«Восток Авто» ТОО',
  '«Жасыл Бақ» ЖШС',
];
const LOCATIONS = ['С/узел', 'Ванная', 'Кухня', 'Подвал'];
const SOURCES = ['cabinet', 'inspector', 'phone', 'billing'] as const;

function feminine(surname: string, first: string): string {
  const female =
    /а$|ь$|үл$|ле$|ар$|ем$|на$|ия$/.test(first) && !['Бауыржан', 'Асхат', 'Нұрлан', 'Ерлан'].includes(first);
  if (!female) return surname;
  if (/ов$|ев$|ин$/.test(surname)) return `${surname}а`;
  return surname;
}

export async function generateDemoData(options: DemoOptions) {
  const now = options.now ?? new Date();
  const current = periodOf(now);
  const lastClosed = addMonths(current, -1);
  const firstSynthetic = addMonths(current, -(options.months ?? 36));
  const rnd = random(20200525);

  const streets: Row<'streets'>[] = [];
  const buildings: Row<'buildings'>[] = [];
  const premises: Row<'premises'>[] = [];
  const accounts: Row<'accounts'>[] = [];
  const meters: Row<'meters'>[] = [];
  const readings: Row<'readings'>[] = [];
  const charges: Row<'charges'>[] = [];
  const payments: Row<'payments'>[] = [];
  const penalties: Row<'penalties'>[] = [];
  const penaltyDays: Row<'penalty_days'>[] = [];
  const months: Row<'account_months'>[] = [];
  const users: Row<'users'>[] = [];
  const links: Row<'user_accounts'>[] = [];

  const ids = { building: 0, premise: 0, account: 0, meter: 0, user: 0 };
  const accountNumbers = new Set<string>();

  DEMO_STREETS.forEach((name, i) => {
    streets.push({ id: i + 1, code: `S${String(i + 1).padStart(3, '0')}`, name });
  });
  const streetId = (name: string) => {
    const found = streets.find((s) => s.name === name);
    if (!found?.id) throw new Error(`demo street ${name} missing`);
    return found.id;
  };
  const addBuilding = (street: number, number: string, prefix = '') => {
    ids.building += 1;
    buildings.push({ id: ids.building, code: `B${ids.building}`, street_id: street, number, prefix });
    return ids.building;
  };
  const addPremise = (building: number, apartment: string) => {
    ids.premise += 1;
    premises.push({ id: ids.premise, code: `P${ids.premise}`, building_id: building, apartment });
    return ids.premise;
  };

  // Rates of the demo city: tariffs, VAT (12% through 2025, 16% from 2026), norms, penalty rates.
  const tariffs: Row<'tariffs'>[] = DEMO_RATES.tariffs.map((t) => ({ ...t }));
  const vat = DEMO_RATES.vat;
  const norms = DEMO_RATES.norms;
  const penaltyRates = DEMO_RATES.penaltyRates;
  const rateSets = new Map<Period, MonthRateSet>();
  const ratesOf = (period: Period) => {
    let set = rateSets.get(period);
    if (!set) {
      set = ratesForMonth(period, DEMO_RATES as unknown as MonthRates);
      rateSets.set(period, set);
    }
    return set;
  };

  /** One closed month of an account: readings, charges, payments, penalty and the balance row. */
  const bookMonth = (
    plan: AccountPlan,
    period: Period,
    fixed?: {
      volumes?: Partial<Record<number, number>>;
      readOn?: string;
      payments?: { amountTiyn: number; kind: 'regular' | 'compensation'; paidOn: string }[];
      compensationTiyn?: number;
    },
  ) => {
    const date = monthStart(period);
    const readOn = fixed?.readOn ?? `${period}-${String(rnd.int(18, 26)).padStart(2, '0')}`;
    const meters: MeterMonth[] = plan.meters.map((meter) => {
      const consumption =
        fixed?.volumes?.[meter.id] ??
        (meter.water === 'cold' ? rnd.int(1500, 7000) : rnd.int(800, 3500)) * (plan.kind === 'legal' ? 8 : 1);
      const startL = meter.valueL;
      meter.valueL += consumption;
      if (meter.valueL > 99_999_999) meter.valueL -= 100_000_000;
      readings.push({
        meter_id: meter.id,
        period: date,
        value_l: meter.valueL,
        read_on: readOn,
        source: rnd.pick(SOURCES),
        status: 'accepted',
        submitted_at: `${readOn}T10:00:00+05:00`,
        exported_at: `${readOn}T23:00:00+05:00`,
      });
      return { water: meter.water, verificationDue: meter.verificationDue, startL, endL: meter.valueL };
    });
    // The same rules as the built-in billing run (src/billing/month-closer.ts).
    const rates = ratesOf(period);
    const account = {
      kind: plan.kind,
      residents: plan.residents,
      irrigationAreaM2: plan.irrigationAreaM2,
      meters,
    };
    const lines = monthCharges(account, rates);
    for (const line of lines) {
      charges.push({
        account_id: plan.id,
        period: date,
        service: line.service,
        basis: line.basis,
        quantity_l: line.quantityL,
        tariff_tiyn_per_m3: line.tariffTiynPerM3,
        vat_bp: line.vatBp,
        amount_tiyn: line.amountTiyn,
      });
    }
    const chargedTiyn = chargesTotal(lines);

    // Payments of the month: usually last month's bill, paid before the 25th.
    let monthPayments = fixed?.payments;
    if (!monthPayments) {
      monthPayments = [];
      const due = Math.max(0, plan.balance);
      const payDay = `${period}-${String(rnd.int(3, 28)).padStart(2, '0')}`;
      if (plan.habit === 'good' && due > 0)
        monthPayments.push({ amountTiyn: due, kind: 'regular', paidOn: payDay });
      if (plan.habit === 'over' && rnd.chance(0.4)) {
        monthPayments.push({
          amountTiyn: Math.round((due + chargedTiyn * 3) / 100) * 100,
          kind: 'regular',
          paidOn: payDay,
        });
      }
      if (plan.habit === 'late' && due > 0 && rnd.chance(0.45)) {
        monthPayments.push({ amountTiyn: Math.round(due / 100) * 100, kind: 'regular', paidOn: payDay });
      }
    }
    for (const p of monthPayments) {
      payments.push({
        account_id: plan.id,
        paid_on: p.paidOn,
        period: date,
        amount_tiyn: p.amountTiyn,
        kind: p.kind,
        source: 'billing',
      });
    }
    // The seed's own months carry no penalty: their figures are the seed's.
    const result = settleAccountMonth(
      {
        ...account,
        openingTiyn: plan.balance,
        penaltiesBeforeTiyn: plan.penaltiesTiyn,
        billedLastMonthTiyn: plan.billedLastMonthTiyn,
        payments: monthPayments,
        recalculationTiyn: 0,
        otherTiyn: 0,
      },
      lines,
      fixed ? { period, penaltyDaily: [] } : rates,
    );
    if (result.penalty)
      penalties.push({
        account_id: plan.id,
        period: date,
        base_tiyn: result.penalty.baseTiyn,
        days: result.penalty.days,
        amount_tiyn: result.penalty.amountTiyn,
      });
    for (const segment of result.penalty?.segments ?? [])
      penaltyDays.push({
        account_id: plan.id,
        period: date,
        from_on: segment.from,
        to_on: segment.to,
        days: segment.days,
        overdue_tiyn: segment.overdueTiyn,
        refinancing_rate_bp: segment.rateBp,
        coefficient: segment.coefficient,
      });
    months.push({
      account_id: plan.id,
      period: date,
      opening_tiyn: plan.balance,
      charged_tiyn: chargedTiyn,
      recalculation_tiyn: 0,
      penalty_tiyn: result.penalty?.amountTiyn ?? 0,
      other_tiyn: 0,
      paid_tiyn: result.paidTiyn,
      // The seed's invoice B shows a compensation that is not among its payments.
      compensation_tiyn: fixed?.compensationTiyn ?? result.compensationTiyn,
      closing_tiyn: result.closingTiyn,
    });
    plan.balance = result.closingTiyn;
    plan.penaltiesTiyn += result.penalty?.amountTiyn ?? 0;
    plan.billedLastMonthTiyn = chargedTiyn;
  };

  /** Readings of the open month for some metered accounts, as if submitted in the cabinet. */
  const openMonthReadings = (plan: AccountPlan, share: number) => {
    if (!plan.meters.length || !rnd.chance(share)) return;
    const day = Math.min(Number(localDate(now).slice(8, 10)), 20);
    const readOn = `${current}-${String(rnd.int(1, Math.max(1, day))).padStart(2, '0')}`;
    for (const meter of plan.meters) {
      meter.valueL += meter.water === 'cold' ? rnd.int(1000, 6000) : rnd.int(500, 3000);
      readings.push({
        meter_id: meter.id,
        period: monthStart(current),
        value_l: meter.valueL,
        read_on: readOn,
        source: 'cabinet',
        status: 'accepted',
        submitted_at: `${readOn}T19:30:00+05:00`,
      });
    }
  };

  const addAccount = (input: {
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
  }) => {
    ids.account += 1;
    accountNumbers.add(input.number);
    accounts.push({
      id: ids.account,
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
    return ids.account;
  };
  const addMeter = (
    account: number,
    input: {
      serial: string;
      water: Water;
      inputNo?: number;
      location?: string;
      verificationDue: string;
      installedOn: string;
      valueL: number;
    },
  ): MeterPlan => {
    ids.meter += 1;
    meters.push({
      id: ids.meter,
      code: `M${ids.meter}`,
      account_id: account,
      input_no: input.inputNo ?? 1,
      location: input.location ?? 'С/узел',
      water: input.water,
      serial: input.serial,
      verification_due: input.verificationDue,
      installed_on: input.installedOn,
    });
    return {
      id: ids.meter,
      water: input.water,
      valueL: input.valueL,
      verificationDue: input.verificationDue,
    };
  };
  const addUser = async (
    login: string,
    account: number,
    person: { first: string; last: string; email: string; kind: AccountKind },
  ) => {
    ids.user += 1;
    users.push({
      id: ids.user,
      login,
      email: person.email,
      first_name: person.first,
      last_name: person.last,
      role: 'customer',
      customer_kind: person.kind,
      password_hash: await hashPassword(DEMO_PASSWORD),
      email_confirmed_at: now,
      subscribe_invoices: true,
      subscribe_announcements: true,
    });
    links.push({ user_id: ids.user, account_id: account });
  };

  // --- The seed's accounts, with the figures of invoices A and B and statement C. ---
  for (const seed of SEED_ACCOUNTS) {
    const building = addBuilding(streetId(seed.street), seed.house, seed.prefix ?? '');
    const premise = addPremise(building, seed.apartment);
    const id = addAccount({
      number: seed.number,
      kind: seed.kind,
      premise,
      ownerName: seed.ownerName,
      ownerSurname: seed.ownerSurname,
      residents: seed.residents,
      openedOn: '2015-01-01',
      ...(seed.contractNumber ? { contractNumber: seed.contractNumber, binIin: seed.binIin } : {}),
    });
    const plan: AccountPlan = {
      id,
      kind: seed.kind,
      residents: seed.residents,
      irrigationAreaM2: '0',
      meters: [],
      balance: seed.openingTiyn,
      penaltiesTiyn: 0,
      billedLastMonthTiyn: 0,
      habit: 'good',
    };
    for (const m of seed.meters) {
      const meter = addMeter(id, { ...m, installedOn: '2015-01-01', valueL: m.startL });
      plan.meters.push(meter);
      const startDate = m.startDate ?? `${addMonths(firstSynthetic, -1)}-25`;
      readings.push({
        meter_id: meter.id,
        period: monthStart(periodOfDay(startDate)),
        value_l: m.startL,
        read_on: startDate,
        source: 'inspector',
        status: 'accepted',
        submitted_at: `${startDate}T10:00:00+05:00`,
        exported_at: `${startDate}T23:00:00+05:00`,
      });
    }
    for (const month of seed.months) {
      bookMonth(plan, month.period, {
        volumes: Object.fromEntries(plan.meters.map((m, i) => [m.id, month.volumesL[i] ?? 0])),
        readOn: month.readOn,
        payments: month.payments,
        compensationTiyn: month.compensationTiyn,
      });
    }
    const last = seed.months.at(-1);
    const after = last ? addMonths(last.period, 1) : firstSynthetic;
    for (const period of periodRange(after, lastClosed)) bookMonth(plan, period);
    openMonthReadings(plan, 0.5);
    if (seed.user) await addUser(seed.user.login ?? seed.number, id, { ...seed.user, kind: seed.kind });
  }

  // --- A synthetic city: apartment blocks and private houses, ~2,000 accounts. ---
  const target = options.accounts ?? 2000;
  let made = 0;
  let accountSeq = 1_000_000;
  while (made < target) {
    const street = rnd.pick(streets).id!;
    const privateHouse = rnd.chance(0.25);
    const building = addBuilding(
      street,
      String(rnd.int(1, 180)),
      rnd.chance(0.12) ? rnd.pick(['А', 'Б', 'В']) : '',
    );
    // Keep building numbers unique per street by suffixing a duplicate with a letter.
    const b = buildings.at(-1)!;
    while (
      buildings.some(
        (x) => x !== b && x.street_id === b.street_id && x.number === b.number && x.prefix === b.prefix,
      )
    ) {
      b.number = String(rnd.int(1, 400));
    }
    const flats = privateHouse ? 1 : rnd.int(12, 60);
    for (let f = 1; f <= flats && made < target; f++) {
      const premise = addPremise(building, privateHouse ? '' : String(f));
      accountSeq += rnd.int(3, 97);
      const number = String(accountSeq).padStart(8, '0');
      const legal = !privateHouse && f === 1 && rnd.chance(0.5);
      const first = rnd.pick(FIRST_NAMES);
      const surname = feminine(rnd.pick(SURNAMES), first);
      const company = rnd.pick(COMPANIES);
      let bin: string | undefined;
      if (legal) {
        let check: number | null = null;
        let prefix = '';
        while (check === null) {
          prefix = `${String(rnd.int(0, 25)).padStart(2, '0')}${String(rnd.int(1, 12)).padStart(2, '0')}4${String(rnd.int(0, 999_999)).padStart(6, '0')}`;
          check = iinCheckDigit(prefix);
        }
        bin = `${prefix}${check}`;
      }
      const id = addAccount({
        number,
        kind: legal ? 'legal' : 'individual',
        premise,
        ownerName: legal ? company : `${surname} ${first}`,
        ownerSurname: legal ? '' : surname,
        residents: legal ? 0 : rnd.int(1, 6),
        irrigationAreaM2: privateHouse ? String(rnd.int(20, 300)) : '0',
        openedOn: '2010-01-01',
        ...(legal ? { contractNumber: `ЮЛ-${number.slice(2)}`, binIin: bin } : {}),
      });
      const plan: AccountPlan = {
        id,
        kind: legal ? 'legal' : 'individual',
        residents: legal ? 0 : (accounts.at(-1)!.residents as number),
        irrigationAreaM2: String(accounts.at(-1)!.irrigation_area_m2),
        meters: [],
        balance: rnd.int(-50_000, 150_000),
        penaltiesTiyn: 0,
        billedLastMonthTiyn: 0,
        habit: rnd.chance(0.78) ? 'good' : rnd.chance(0.5) ? 'late' : 'over',
      };
      const metered = legal || rnd.chance(0.85);
      if (metered) {
        const inputs = rnd.chance(0.1) ? 2 : 1;
        for (let input = 1; input <= inputs; input++) {
          for (const water of WATERS) {
            if (water === 'hot' && (privateHouse || legal) && rnd.chance(0.6)) continue;
            const roll = rnd.next();
            // 5% overdue verification, 5% due within two months, the rest years ahead.
            const due =
              roll < 0.05
                ? `${addMonths(current, -rnd.int(1, 14))}-${String(rnd.int(1, 28)).padStart(2, '0')}`
                : roll < 0.1
                  ? `${addMonths(current, rnd.int(0, 1))}-${String(rnd.int(1, 28)).padStart(2, '0')}`
                  : `${addMonths(current, rnd.int(3, 58))}-${String(rnd.int(1, 28)).padStart(2, '0')}`;
            const serial = String(rnd.int(10_000_000, 39_999_999));
            const meter = addMeter(id, {
              serial,
              water,
              inputNo: input,
              location: rnd.pick(LOCATIONS),
              verificationDue: due,
              installedOn: '2019-06-01',
              valueL: rnd.int(10_000, 400_000),
            });
            plan.meters.push(meter);
            readings.push({
              meter_id: meter.id,
              period: monthStart(addMonths(firstSynthetic, -1)),
              value_l: meter.valueL,
              read_on: `${addMonths(firstSynthetic, -1)}-25`,
              source: 'inspector',
              status: 'accepted',
              submitted_at: `${addMonths(firstSynthetic, -1)}-25T10:00:00+05:00`,
              exported_at: `${addMonths(firstSynthetic, -1)}-25T23:00:00+05:00`,
            });
          }
        }
      }
      for (const period of periodRange(firstSynthetic, lastClosed)) bookMonth(plan, period);
      openMonthReadings(plan, 0.4);
      made += 1;
    }
  }

  await addCompanyPremises({
    streetId,
    addBuilding,
    addPremise,
    addAccount,
    addMeter,
    addUser,
    bookMonth,
    openMonthReadings,
    readings,
    links,
    users,
    accountNumbers,
    lastClosed,
  });

  // The back-office's demo staff (README "Demo logins"); the administrator enrols TOTP at first login.
  for (const staff of DEMO_STAFF) {
    ids.user += 1;
    users.push({
      id: ids.user,
      login: staff.login,
      email: staff.email,
      first_name: staff.firstName,
      last_name: staff.lastName,
      role: staff.role,
      customer_kind: null,
      password_hash: await hashPassword(DEMO_PASSWORD),
      email_confirmed_at: now,
      locale: 'ru',
    });
  }

  const periods: Row<'billing_periods'>[] = periodRange('2019-01', current).map((p) => ({
    period: monthStart(p),
    status: p === current ? 'open' : 'closed',
    closed_at: p === current ? null : `${addMonths(p, 1)}-03T03:00:00+05:00`,
  }));
  const dataAsOf = lastMondayAt3(now);
  const state: Row<'app_state'>[] = [
    { key: 'billing_data_as_of', value: JSON.stringify(dataAsOf.toISOString()) },
    { key: 'demo_loaded_at', value: JSON.stringify(now.toISOString()) },
  ];

  await addMultiAccountDemo({ accounts, premises, meters, users, links, ids, now });
  const tables: [keyof Database, object[]][] = [
    ['vat_rates', vat.map((v) => ({ ...v }))],
    ['tariffs', tariffs],
    ['norms', norms.map((n) => ({ ...n }))],
    ['penalty_rates', penaltyRates.map((p) => ({ ...p }))],
    ['billing_periods', periods],
    ['streets', streets],
    ['buildings', buildings],
    ['premises', premises],
    ['accounts', accounts],
    ['meters', meters],
    ['users', users],
    ['user_accounts', links],
    ['readings', readings],
    ['charges', charges],
    ['payments', payments],
    ['penalties', penalties],
    ['penalty_days', penaltyDays],
    ['account_months', months],
    ['app_state', state],
  ];
  return { tables, accountCount: accounts.length, accountNumbers };
}

/** The weekly billing import runs on Mondays at 03:00 Almaty time (UTC+5). */
function lastMondayAt3(now: Date): Date {
  const local = new Date(now.getTime() + ALMATY_OFFSET_MS);
  const daysBack = (local.getUTCDay() + 6) % 7;
  const monday =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysBack, 3) -
    ALMATY_OFFSET_MS;
  return new Date(monday <= now.getTime() ? monday : monday - 7 * 86_400_000);
}
