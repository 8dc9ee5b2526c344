/**
 * The utility's offices and payment points shown on "Find on the map". Demo values: the
 * subscriber department's address is the seed's (Shakarim avenue 180); the others are
 * illustrative. Coordinates are WGS84 degrees.
 */
export interface Office {
  id: string;
  kind: 'office' | 'payment';
  name: { kk: string; ru: string; en: string };
  /** In each language: the street's name as signs and maps in that language give it. */
  address: { kk: string; ru: string; en: string };
  hours: { kk: string; ru: string; en: string };
  phone?: string;
  lat: number;
  lon: number;
}

const WEEKDAYS = { kk: 'дс–жм 8:00–17:00', ru: 'пн–пт 8:00–17:00', en: 'Mon–Fri 8:00–17:00' };
const BANK = { kk: 'дс–сб 9:00–19:00', ru: 'пн–сб 9:00–19:00', en: 'Mon–Sat 9:00–19:00' };
const ROUND = { kk: 'тәулік бойы', ru: 'круглосуточно', en: '24 hours' };

export const OFFICES: Office[] = [
  {
    id: 'main',
    kind: 'office',
    name: { kk: 'Абоненттік бөлім', ru: 'Абонентский отдел', en: 'Subscriber department' },
    address: { kk: 'Шәкәрім даңғылы, 180', ru: 'проспект Шакарима, 180', en: 'Shakarim Avenue, 180' },
    hours: WEEKDAYS,
    phone: '70-08-78',
    lat: 49.9486,
    lon: 82.6281,
  },
  {
    id: 'left-bank',
    kind: 'office',
    name: { kk: 'Сол жағалау бөлімшесі', ru: 'Отделение «Левый берег»', en: 'Left-bank branch office' },
    address: { kk: 'Сәтбаев көшесі, 62', ru: 'улица Сатпаева, 62', en: 'Satpayev Street, 62' },
    hours: WEEKDAYS,
    phone: '70-08-79',
    lat: 49.9712,
    lon: 82.6065,
  },
  {
    id: 'kazpost-abay',
    kind: 'payment',
    name: { kk: 'Қазпошта бөлімшесі', ru: 'Отделение Казпочты', en: 'Kazpost office' },
    address: { kk: 'Абай даңғылы, 21', ru: 'проспект Абая, 21', en: 'Abay Avenue, 21' },
    hours: BANK,
    lat: 49.9563,
    lon: 82.6152,
  },
  {
    id: 'bank-auezov',
    kind: 'payment',
    name: { kk: 'Банк бөлімшесі', ru: 'Отделение банка', en: 'Bank branch' },
    address: { kk: 'Әуезов даңғылы, 14', ru: 'проспект Ауэзова, 14', en: 'Auezov Avenue, 14' },
    hours: BANK,
    lat: 49.9521,
    lon: 82.6059,
  },
  {
    id: 'terminal-tauelsizdik',
    kind: 'payment',
    name: {
      kk: 'Төлем терминалы (сауда орталығы)',
      ru: 'Платёжный терминал (торговый центр)',
      en: 'Payment kiosk (shopping centre)',
    },
    address: {
      kk: 'Тәуелсіздік даңғылы, 50',
      ru: 'проспект Независимости, 50',
      en: 'Tauelsizdik (Independence) Avenue, 50',
    },
    hours: ROUND,
    lat: 49.9802,
    lon: 82.6398,
  },
];
