/**
 * The fixed part of the demo city: streets, rates and the accounts that carry the seed's
 * figures (SPEC.md section 4: invoices A and B, statement C). The 2019-2020 tariffs and the
 * VAT rates are the seed's and the law's; later tariffs, norms and penalty rates are
 * illustrative demo values, not the utility's.
 */

import type { Period } from '../calendar/calendar';
import type { AccountKind, Water } from '../db/schema';

export const DEMO_PASSWORD = 'Demo-2026!';

/** Back-office demo users (same password). The administrator enrols an authenticator at first login. */
export const DEMO_STAFF = [
  {
    login: 'operator',
    role: 'operator',
    email: 'operator@vodokanal.local',
    firstName: 'Айгүл',
    lastName: 'Серікова',
  },
  {
    login: 'admin',
    role: 'admin',
    email: 'admin@vodokanal.local',
    firstName: 'Ерлан',
    lastName: 'Жақсыбеков',
  },
] as const;

export const DEMO_STREETS = [
  'Қазақстан',
  'Красина',
  'Абай даңғылы',
  'Ушанов',
  'Шәкәрім даңғылы',
  'Протозанов',
  'Тохтаров',
  'Қабанбай батыр',
  'Бажов',
  'Сәтбаев',
  'Тәуелсіздік даңғылы',
  'Әуезов даңғылы',
  'Михаэлис',
  'Пограничная',
  'Виноградов',
  'Головков',
  'Крылов',
  'Горький',
  'Қайсенов',
  'Ертіс жағалауы',
  'Серікбаев',
  'Бурова',
  'Потанин',
  'Мызы',
] as const;

export const DEMO_RATES = {
  tariffs: [
    {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2019-01-01',
      price_tiyn_per_m3: 5934,
    },
    { service: 'sewage', customer_kind: 'individual', effective_from: '2019-01-01', price_tiyn_per_m3: 5885 },
    {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2021-07-01',
      price_tiyn_per_m3: 6542,
    },
    { service: 'sewage', customer_kind: 'individual', effective_from: '2021-07-01', price_tiyn_per_m3: 6310 },
    {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2023-04-01',
      price_tiyn_per_m3: 7820,
    },
    { service: 'sewage', customer_kind: 'individual', effective_from: '2023-04-01', price_tiyn_per_m3: 7415 },
    {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2025-02-01',
      price_tiyn_per_m3: 9486,
    },
    { service: 'sewage', customer_kind: 'individual', effective_from: '2025-02-01', price_tiyn_per_m3: 8790 },
    { service: 'cold_water', customer_kind: 'legal', effective_from: '2019-01-01', price_tiyn_per_m3: 15421 },
    { service: 'sewage', customer_kind: 'legal', effective_from: '2019-01-01', price_tiyn_per_m3: 13245 },
    { service: 'cold_water', customer_kind: 'legal', effective_from: '2021-07-01', price_tiyn_per_m3: 17050 },
    { service: 'sewage', customer_kind: 'legal', effective_from: '2021-07-01', price_tiyn_per_m3: 14410 },
    { service: 'cold_water', customer_kind: 'legal', effective_from: '2023-04-01', price_tiyn_per_m3: 20380 },
    { service: 'sewage', customer_kind: 'legal', effective_from: '2023-04-01', price_tiyn_per_m3: 17120 },
    { service: 'cold_water', customer_kind: 'legal', effective_from: '2025-02-01', price_tiyn_per_m3: 24690 },
    { service: 'sewage', customer_kind: 'legal', effective_from: '2025-02-01', price_tiyn_per_m3: 20560 },
  ] as const,
  /** 12% until 2025-12-31, 16% from 2026-01-01 (Tax Code, Law 214-VIII of 18.07.2025). */
  vat: [
    { effective_from: '2009-01-01', rate_bp: 1200 },
    { effective_from: '2026-01-01', rate_bp: 1600 },
  ],
  norms: [
    {
      kind: 'cold_per_person',
      effective_from: '2019-01-01',
      litres: 3500,
      season_from_month: null,
      season_to_month: null,
    },
    {
      kind: 'hot_per_person',
      effective_from: '2019-01-01',
      litres: 2100,
      season_from_month: null,
      season_to_month: null,
    },
    {
      kind: 'irrigation_per_m2',
      effective_from: '2019-01-01',
      litres: 120,
      season_from_month: 5,
      season_to_month: 9,
    },
  ] as const,
  penaltyRates: [
    { effective_from: '2019-01-01', refinancing_rate_bp: 925, coefficient: '1' },
    { effective_from: '2022-10-24', refinancing_rate_bp: 1600, coefficient: '1' },
    { effective_from: '2024-08-26', refinancing_rate_bp: 1425, coefficient: '1' },
    { effective_from: '2025-03-10', refinancing_rate_bp: 1650, coefficient: '1' },
  ],
};

export interface SeedAccount {
  number: string;
  kind: AccountKind;
  street: (typeof DEMO_STREETS)[number];
  house: string;
  prefix?: string;
  apartment: string;
  ownerName: string;
  ownerSurname: string;
  residents: number;
  contractNumber?: string;
  binIin?: string;
  openingTiyn: number;
  meters: {
    serial: string;
    water: Water;
    location: string;
    verificationDue: string;
    startL: number;
    /** Date of the reading the ledger starts from; default: the month before the synthetic history. */
    startDate?: string;
  }[];
  /** Months with fixed figures; the rest of the history up to last month is generated. */
  months: {
    period: Period;
    volumesL: number[];
    readOn: string;
    payments: { amountTiyn: number; kind: 'regular' | 'compensation'; paidOn: string }[];
    compensationTiyn?: number;
  }[];
  user?: { login?: string; first: string; last: string; email: string };
}

export const SEED_ACCOUNTS: SeedAccount[] = [
  {
    // Invoice B (seed figure 19) and the readings table of seed section 3.3.
    number: '02015213',
    kind: 'individual',
    street: 'Қазақстан',
    house: '64',
    apartment: '12',
    ownerName: 'Сәрсенова Айгүл Маратқызы',
    ownerSurname: 'Сәрсенова',
    residents: 1,
    openingTiyn: -64_106,
    meters: [
      {
        serial: '31883369',
        water: 'cold',
        location: 'С/узел',
        verificationDue: '2029-09-19',
        startL: 114_365,
        startDate: '2020-04-13',
      },
      {
        serial: '31883423',
        water: 'hot',
        location: 'С/узел',
        verificationDue: '2027-01-10',
        startL: 195_360,
        startDate: '2020-04-13',
      },
    ],
    months: [
      {
        period: '2020-05',
        volumesL: [1043, 649],
        readOn: '2020-05-25',
        payments: [],
        compensationTiyn: 150_000,
      },
    ],
    user: { first: 'Айгүл', last: 'Сәрсенова', email: 'aigul.sarsenova@example.kz' },
  },
  {
    // Invoice A (seed figure 3): Krasina street 3.
    number: '01003317',
    kind: 'individual',
    street: 'Красина',
    house: '3',
    apartment: '45',
    ownerName: 'Ким Ольга Викторовна',
    ownerSurname: 'Ким',
    residents: 2,
    openingTiyn: -1771,
    meters: [
      {
        serial: '29117305',
        water: 'cold',
        location: 'Ванная',
        verificationDue: '2028-03-01',
        startL: 473_051,
        startDate: '2020-04-24',
      },
      {
        serial: '29117412',
        water: 'hot',
        location: 'Ванная',
        verificationDue: '2028-03-01',
        startL: 149_947,
        startDate: '2020-04-24',
      },
    ],
    months: [
      {
        period: '2020-05',
        volumesL: [3222, 1368],
        readOn: '2020-05-22',
        payments: [
          { amountTiyn: 50_000, kind: 'regular', paidOn: '2020-05-12' },
          { amountTiyn: 671_200, kind: 'compensation', paidOn: '2020-05-20' },
        ],
        compensationTiyn: 671_200,
      },
    ],
    user: { first: 'Ольга', last: 'Ким', email: 'olga.kim@example.kz' },
  },
  {
    // Statement C (seed figure 21): October-November 2019.
    number: '03017845',
    kind: 'individual',
    street: 'Абай даңғылы',
    house: '17',
    apartment: '8',
    ownerName: 'Омаров Ерлан Бауыржанұлы',
    ownerSurname: 'Омаров',
    residents: 3,
    openingTiyn: 174_950,
    meters: [
      {
        serial: '30550127',
        water: 'cold',
        location: 'С/узел',
        verificationDue: '2026-06-30',
        startL: 250_000,
        startDate: '2019-09-24',
      },
      {
        serial: '30550188',
        water: 'hot',
        location: 'С/узел',
        verificationDue: '2028-06-30',
        startL: 120_000,
        startDate: '2019-09-24',
      },
    ],
    months: [
      {
        period: '2019-10',
        volumesL: [8505, 4752],
        readOn: '2019-10-24',
        payments: [{ amountTiyn: 320_000, kind: 'regular', paidOn: '2019-10-17' }],
      },
      {
        period: '2019-11',
        volumesL: [1751, 1003],
        readOn: '2019-11-23',
        payments: [{ amountTiyn: 50_000, kind: 'regular', paidOn: '2019-11-15' }],
      },
    ],
    user: { first: 'Ерлан', last: 'Омаров', email: 'erlan.omarov@example.kz' },
  },
  {
    // A legal entity: login generated from the contract number.
    number: '05000123',
    kind: 'legal',
    street: 'Ушанов',
    house: '25',
    apartment: '',
    ownerName: '«Ертіс Су Сервис» ЖШС',
    ownerSurname: '',
    residents: 0,
    contractNumber: 'ЮЛ-000123',
    binIin: '020540001237',
    openingTiyn: 0,
    meters: [
      {
        serial: '40100555',
        water: 'cold',
        location: 'Подвал',
        verificationDue: '2028-11-01',
        startL: 1_250_000,
      },
    ],
    months: [],
    user: { login: 'YUL000123', first: 'Ертіс Су Сервис', last: 'ЖШС', email: 'buh@ertis-su.example.kz' },
  },
];
