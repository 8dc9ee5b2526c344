import { iinCheckDigit } from '../auth/iin';
import { addMonths, periodRange } from '../calendar/calendar';
import type { Water } from '../db/schema';
import type { AccountPlan, DemoCity, NewAccount } from './demo-city';

/**
 * Customers with many accounts under one login (src/premises), for the demo city: a retail chain
 * with 50 shops (login YUL000500) and a landlord with three flats (login 06000901). Each account
 * has meters and six closed months, so the overview shows balances and last readings; about half
 * have this month's reading in. Neither is subscribed to the monthly invoice mailing.
 *
 * Built with the demo city's own steps (src/demo/demo-city.ts), which it is handed: the same
 * billing rules book every month. Its own random numbers, so the rest of the city stays the same.
 */

export const COMPANY_LOGIN = 'YUL000500';
export const LANDLORD_LOGIN = '06000901';
const SHOPS = 50;
const HISTORY_MONTHS = 6;
const STREETS = [
  'Қазақстан',
  'Абай даңғылы',
  'Ушанов',
  'Шәкәрім даңғылы',
  'Тохтаров',
  'Қабанбай батыр',
  'Сәтбаев',
  'Тәуелсіздік даңғылы',
  'Әуезов даңғылы',
  'Горький',
];

/** A small deterministic generator of its own (mulberry32). */
function numbers(seed: number) {
  let a = seed >>> 0;
  return (min: number, max: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * (max - min + 1));
  };
}

/** The chain's BIN: registered June 2006, a legal entity (4), with its check digit. */
function companyBin(): string {
  for (let k = 0; k < 10; k++) {
    const check = iinCheckDigit(`0606400050${k}`);
    if (check !== null) return `0606400050${k}${check}`;
  }
  throw new Error('no BIN with a check digit');
}

type AddDemoAccount = (input: NewAccount, waters: Water[], plan: Partial<AccountPlan>) => number;

export async function addCompanyPremises(kit: DemoCity): Promise<void> {
  const int = numbers(20261130);
  const account = accountMaker(kit, int);
  await addRetailChain(kit, account);
  await addLandlord(kit, account);
}

/** Adds an account with its meters, their reading before the history, its months and maybe this month's readings. */
function accountMaker(kit: DemoCity, int: ReturnType<typeof numbers>): AddDemoAccount {
  const first = addMonths(kit.lastClosed, -(HISTORY_MONTHS - 1));
  const months = periodRange(first, kit.lastClosed);
  const baseline = addMonths(first, -1);
  return (input, waters, plan) => {
    if (kit.accountNumbers.has(input.number)) throw new Error(`demo account ${input.number} exists`);
    const id = kit.addAccount(input);
    const meters = waters.map((water, i) => {
      const meter = kit.addMeter(id, {
        serial: String(int(50_000_000, 59_999_999)),
        water,
        inputNo: 1,
        location: i === 0 ? 'Подвал' : 'С/узел',
        verificationDue: `${addMonths(kit.lastClosed, int(6, 50))}-${String(int(1, 28)).padStart(2, '0')}`,
        installedOn: '2021-03-01',
        valueL: int(20_000, 900_000),
      });
      kit.addInspectorReading(meter, `${baseline}-25`, false);
      return meter;
    });
    const full: AccountPlan = {
      id,
      kind: input.kind,
      residents: input.residents,
      irrigationAreaM2: '0',
      meters,
      balance: int(-20_000, 60_000),
      penaltiesTiyn: 0,
      billedLastMonthTiyn: 0,
      habit: 'good',
      ...plan,
    };
    for (const period of months) kit.bookMonth(full, period);
    kit.openMonthReadings(full, 0.5);
    return id;
  };
}

/** A retail chain: one login, a shop per account (each with its contract) all over the city. */
async function addRetailChain(kit: DemoCity, account: AddDemoAccount): Promise<void> {
  const bin = companyBin();
  const shops: number[] = [];
  for (let i = 0; i < SHOPS; i++) {
    const street = kit.streetId(STREETS[i % STREETS.length]!);
    const building = kit.addBuilding(street, String(401 + i));
    shops.push(
      account(
        {
          number: `0600${String(101 + i * 7).padStart(4, '0')}`,
          kind: 'legal',
          premise: kit.addPremise(building, ''),
          ownerName: '«Шығыс Сауда» ЖШС',
          ownerSurname: '',
          residents: 0,
          contractNumber: `ЮЛ-500-${String(i + 1).padStart(2, '0')}`,
          binIin: bin,
          openedOn: '2021-03-01',
        },
        i % 4 === 0 ? ['cold', 'hot'] : ['cold'],
        // Some shops pay late or ahead, so the overview has debts and overpayments.
        { habit: i % 5 === 1 ? 'late' : i % 7 === 2 ? 'over' : 'good' },
      ),
    );
  }
  // Its accountant downloads the invoices; a monthly mail with 50 PDFs is not what the demo shows.
  await addLoginForAll(kit, COMPANY_LOGIN, shops, {
    first: 'Шығыс Сауда',
    last: 'ЖШС',
    email: 'buh@shygys-sauda.example.kz',
    kind: 'legal',
  });
}

/** One cabinet login for all the accounts, the first of them shown first; not subscribed to the monthly mail. */
async function addLoginForAll(
  kit: DemoCity,
  login: string,
  accounts: number[],
  person: Parameters<DemoCity['addUser']>[2],
): Promise<void> {
  const [head, ...rest] = accounts;
  await kit.addUser(login, head!, person);
  const user = kit.links.at(-1)!.user_id;
  kit.users.at(-1)!.subscribe_invoices = false;
  for (const id of rest) kit.links.push({ user_id: user, account_id: id });
}

/** A landlord with three flats in one block, each let with its own account. */
async function addLandlord(kit: DemoCity, account: AddDemoAccount): Promise<void> {
  const block = kit.addBuilding(kit.streetId('Протозанов'), '401');
  const flats = ['12', '27', '45'].map((flat, i) =>
    account(
      {
        number: `060009${String(i * 10 + 1).padStart(2, '0')}`,
        kind: 'individual',
        premise: kit.addPremise(block, flat),
        ownerName: 'Сейітова Әлия',
        ownerSurname: 'Сейітова',
        residents: 2 + i,
        openedOn: '2021-03-01',
      },
      ['cold', 'hot'],
      { habit: i === 1 ? 'late' : 'good' },
    ),
  );
  await addLoginForAll(kit, LANDLORD_LOGIN, flats, {
    first: 'Әлия',
    last: 'Сейітова',
    email: 'aliya.seitova@example.kz',
    kind: 'individual',
  });
}
