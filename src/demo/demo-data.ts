import { sql } from 'kysely';
import { iinCheckDigit } from '../auth/iin';
import { hashPassword } from '../auth/passwords';
import { ALMATY_OFFSET_MS, addMonths, monthStart, type Period, periodRange } from '../calendar/calendar';
import type { DB } from '../db/database';
import { type Database, WATERS } from '../db/schema';
import { DEMO_PASSWORD, DEMO_RATES, DEMO_STAFF, SEED_ACCOUNTS } from './demo-catalogue';
import { type AccountPlan, DemoCity, type Row } from './demo-city';
import { addCompanyPremises } from './demo-company-premises';
import { addMultiAccountDemo } from './demo-multi-account';

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

function feminine(surname: string, first: string): string {
  const female =
    /а$|ь$|үл$|ле$|ар$|ем$|на$|ия$/.test(first) && !['Бауыржан', 'Асхат', 'Нұрлан', 'Ерлан'].includes(first);
  if (!female) return surname;
  if (/ов$|ев$|ин$/.test(surname)) return `${surname}а`;
  return surname;
}

/**
 * The demo city, built in steps that draw from one sequence of random numbers in a fixed order
 * (the seed's accounts, then the synthetic city, then the companies' premises), so every fresh
 * demo is the same city and the seed's documents keep their figures to the tiyn.
 */
export async function generateDemoData(options: DemoOptions) {
  const city = new DemoCity(options.now ?? new Date(), options.months ?? 36);
  await addSeedAccounts(city);
  addSyntheticCity(city, options.accounts ?? 2000);
  await addCompanyPremises(city);
  await addDemoStaff(city);
  await addMultiAccountDemo(city);
  return {
    tables: demoTables(city),
    accountCount: city.accounts.length,
    accountNumbers: city.accountNumbers,
  };
}

/** The seed's accounts, with the figures of invoices A and B and statement C, then months up to today. */
async function addSeedAccounts(city: DemoCity): Promise<void> {
  for (const seed of SEED_ACCOUNTS) {
    const building = city.addBuilding(city.streetId(seed.street), seed.house, seed.prefix ?? '');
    const id = city.addAccount({
      number: seed.number,
      kind: seed.kind,
      premise: city.addPremise(building, seed.apartment),
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
      const meter = city.addMeter(id, { ...m, installedOn: '2015-01-01', valueL: m.startL });
      plan.meters.push(meter);
      city.addInspectorReading(meter, m.startDate ?? `${addMonths(city.firstSynthetic, -1)}-25`);
    }
    for (const month of seed.months) {
      city.bookMonth(plan, month.period, {
        volumes: Object.fromEntries(plan.meters.map((m, i) => [m.id, month.volumesL[i] ?? 0])),
        readOn: month.readOn,
        payments: month.payments,
        compensationTiyn: month.compensationTiyn,
      });
    }
    const last = seed.months.at(-1);
    const after = last ? addMonths(last.period, 1) : city.firstSynthetic;
    for (const period of periodRange(after, city.lastClosed)) city.bookMonth(plan, period);
    city.openMonthReadings(plan, 0.5);
    if (seed.user) await city.addUser(seed.user.login ?? seed.number, id, { ...seed.user, kind: seed.kind });
  }
}

/** A synthetic city of `target` accounts: apartment blocks (a company on some ground floors) and private houses. */
function addSyntheticCity(city: DemoCity, target: number): void {
  let made = 0;
  const numbers = { next: 1_000_000 };
  while (made < target) {
    const { building, privateHouse } = addSyntheticBuilding(city);
    const flats = privateHouse ? 1 : city.rnd.int(12, 60);
    for (let f = 1; f <= flats && made < target; f++) {
      addSyntheticAccount(city, { building, flat: f, privateHouse, numbers });
      made += 1;
    }
  }
}

function addSyntheticBuilding(city: DemoCity): { building: number; privateHouse: boolean } {
  const { rnd } = city;
  const street = rnd.pick(city.streets).id!;
  const privateHouse = rnd.chance(0.25);
  const building = city.addBuilding(
    street,
    String(rnd.int(1, 180)),
    rnd.chance(0.12) ? rnd.pick(['А', 'Б', 'В']) : '',
  );
  // Keep building numbers unique per street by suffixing a duplicate with a letter.
  const b = city.buildings.at(-1)!;
  while (
    city.buildings.some(
      (x) => x !== b && x.street_id === b.street_id && x.number === b.number && x.prefix === b.prefix,
    )
  ) {
    b.number = String(rnd.int(1, 400));
  }
  return { building, privateHouse };
}

/** One synthetic account: its owner (a person, or a company on a block's first flat), meters and history. */
function addSyntheticAccount(
  city: DemoCity,
  at: { building: number; flat: number; privateHouse: boolean; numbers: { next: number } },
): void {
  const { rnd } = city;
  const { privateHouse } = at;
  const premise = city.addPremise(at.building, privateHouse ? '' : String(at.flat));
  at.numbers.next += rnd.int(3, 97);
  const number = String(at.numbers.next).padStart(8, '0');
  const legal = !privateHouse && at.flat === 1 && rnd.chance(0.5);
  const first = rnd.pick(FIRST_NAMES);
  const surname = feminine(rnd.pick(SURNAMES), first);
  const company = rnd.pick(COMPANIES);
  const bin = legal ? syntheticBin(city) : undefined;
  const id = city.addAccount({
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
  const row = city.accounts.at(-1)!;
  const plan: AccountPlan = {
    id,
    kind: legal ? 'legal' : 'individual',
    residents: legal ? 0 : (row.residents as number),
    irrigationAreaM2: String(row.irrigation_area_m2),
    meters: [],
    balance: rnd.int(-50_000, 150_000),
    penaltiesTiyn: 0,
    billedLastMonthTiyn: 0,
    habit: rnd.chance(0.78) ? 'good' : rnd.chance(0.5) ? 'late' : 'over',
  };
  if (legal || rnd.chance(0.85)) addSyntheticMeters(city, plan, privateHouse || legal);
  for (const period of periodRange(city.firstSynthetic, city.lastClosed)) city.bookMonth(plan, period);
  city.openMonthReadings(plan, 0.4);
}

/** A company's BIN: a registration month, the legal-entity digit 4, and a valid check digit. */
function syntheticBin(city: DemoCity): string {
  const { rnd } = city;
  let check: number | null = null;
  let prefix = '';
  while (check === null) {
    prefix = `${String(rnd.int(0, 25)).padStart(2, '0')}${String(rnd.int(1, 12)).padStart(2, '0')}4${String(rnd.int(0, 999_999)).padStart(6, '0')}`;
    check = iinCheckDigit(prefix);
  }
  return `${prefix}${check}`;
}

/** Cold and (mostly) hot water meters on one or two inputs, each with the inspector's starting reading. */
function addSyntheticMeters(city: DemoCity, plan: AccountPlan, oftenNoHotWater: boolean): void {
  const { rnd, current } = city;
  const day = () => String(rnd.int(1, 28)).padStart(2, '0');
  const inputs = rnd.chance(0.1) ? 2 : 1;
  for (let input = 1; input <= inputs; input++) {
    for (const water of WATERS) {
      if (water === 'hot' && oftenNoHotWater && rnd.chance(0.6)) continue;
      const roll = rnd.next();
      // 5% overdue verification, 5% due within two months, the rest years ahead.
      const due =
        roll < 0.05
          ? `${addMonths(current, -rnd.int(1, 14))}-${day()}`
          : roll < 0.1
            ? `${addMonths(current, rnd.int(0, 1))}-${day()}`
            : `${addMonths(current, rnd.int(3, 58))}-${day()}`;
      const serial = String(rnd.int(10_000_000, 39_999_999));
      const meter = city.addMeter(plan.id, {
        serial,
        water,
        inputNo: input,
        location: rnd.pick(LOCATIONS),
        verificationDue: due,
        installedOn: '2019-06-01',
        valueL: rnd.int(10_000, 400_000),
      });
      plan.meters.push(meter);
      city.addInspectorReading(meter, `${addMonths(city.firstSynthetic, -1)}-25`);
    }
  }
}

/** The back-office's demo staff (README "Demo logins"); the administrator enrols TOTP at first login. */
async function addDemoStaff(city: DemoCity): Promise<void> {
  for (const staff of DEMO_STAFF) {
    city.users.push({
      id: ++city.ids.user,
      login: staff.login,
      email: staff.email,
      first_name: staff.firstName,
      last_name: staff.lastName,
      role: staff.role,
      customer_kind: null,
      password_hash: await hashPassword(DEMO_PASSWORD),
      email_confirmed_at: city.now,
      locale: 'ru',
    });
  }
}

/** Every table's rows in the order they are written (rates and periods first, then the city, then its history). */
function demoTables(city: DemoCity): [keyof Database, object[]][] {
  const periods: Row<'billing_periods'>[] = periodRange('2019-01', city.current).map((p) => ({
    period: monthStart(p),
    status: p === city.current ? 'open' : 'closed',
    closed_at: p === city.current ? null : closingTime(p, city.now),
  }));
  const state: Row<'app_state'>[] = [
    { key: 'billing_data_as_of', value: JSON.stringify(lastMondayAt3(city.now).toISOString()) },
    { key: 'demo_loaded_at', value: JSON.stringify(city.now.toISOString()) },
  ];
  return [
    ['vat_rates', DEMO_RATES.vat.map((v) => ({ ...v }))],
    ['tariffs', DEMO_RATES.tariffs.map((t) => ({ ...t }))],
    ['norms', DEMO_RATES.norms.map((n) => ({ ...n }))],
    ['penalty_rates', DEMO_RATES.penaltyRates.map((p) => ({ ...p }))],
    ['billing_periods', periods],
    ['streets', city.streets],
    ['buildings', city.buildings],
    ['premises', city.premises],
    ['accounts', city.accounts],
    ['meters', city.meters],
    ['users', city.users],
    ['user_accounts', city.links],
    ['readings', city.readings],
    ['charges', city.charges],
    ['payments', city.payments],
    ['penalties', city.penalties],
    ['penalty_days', city.penaltyDays],
    ['account_months', city.months],
    ['app_state', state],
  ];
}

/**
 * When a demo month was closed: on the 3rd of the next month at 03:00 in Almaty, as the utility
 * closes its months, but never after the data was made. Loaded on the 1st or 2nd, the month just
 * ended is closed at the load (the cabinet has no months still open before the current one).
 */
function closingTime(period: Period, now: Date): string {
  const third = new Date(`${addMonths(period, 1)}-03T03:00:00+05:00`);
  return (third.getTime() <= now.getTime() ? third : now).toISOString();
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
