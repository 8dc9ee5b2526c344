import { periodOfDay } from '../calendar/calendar';
import { formatM3 } from '../money/litres';
import { csvNumber, toCsv } from '../web/csv';
import { type AccountView, formatAddress } from './accounts.queries';

/**
 * What a customer's own data export holds (docs/decisions/138-personal-data-consent-and-export.md):
 * only rows of that customer. The invoice and statement of a listed month open in the cabinet.
 */
export interface PersonalData {
  exportedAt: Date;
  profile: {
    login: string;
    email: string | null;
    first_name: string;
    last_name: string;
    customer_kind: string | null;
    locale: string;
    email_confirmed_at: Date | null;
    subscribe_invoices: boolean;
    subscribe_announcements: boolean;
    created_at: Date;
  };
  consents: {
    text_version: string;
    agreed_at: Date;
    locale: string;
    ip: string | null;
    user_agent: string | null;
  }[];
  accounts: AccountView[];
  readings: {
    account: string;
    serial: string;
    water: string;
    period: string;
    value_l: number;
    read_on: string;
    source: string;
    status: string;
    submitted_at: Date;
  }[];
  documents: { account: string; period: string }[];
  signIns: { at: Date; action: string; ip: string | null }[];
}

type Table = { name: string; header: string[]; rows: string[][] };

const iso = (d: Date | null) => (d ? d.toISOString() : '');
const month = (period: string) => periodOfDay(period);

/** The export as named tables, the same for the JSON and the CSV file. */
function tables(data: PersonalData): Table[] {
  const p = data.profile;
  return [
    {
      name: 'profile',
      header: ['field', 'value'],
      rows: [
        ['login', p.login],
        ['email', p.email ?? ''],
        ['first_name', p.first_name],
        ['last_name', p.last_name],
        ['customer_kind', p.customer_kind ?? ''],
        ['language', p.locale],
        ['email_confirmed_at', iso(p.email_confirmed_at)],
        ['subscribe_invoices', String(p.subscribe_invoices)],
        ['subscribe_announcements', String(p.subscribe_announcements)],
        ['registered_at', iso(p.created_at)],
      ],
    },
    {
      name: 'consents',
      header: ['text_version', 'agreed_at', 'language', 'ip', 'user_agent'],
      rows: data.consents.map((c) => [
        c.text_version,
        iso(c.agreed_at),
        c.locale,
        c.ip ?? '',
        c.user_agent ?? '',
      ]),
    },
    {
      name: 'accounts',
      header: [
        'number',
        'kind',
        'owner',
        'address',
        'residents',
        'irrigation_area_m2',
        'contract',
        'bin_iin',
      ],
      rows: data.accounts.map((a) => [
        a.number,
        a.kind,
        a.ownerName,
        formatAddress(a),
        String(a.residents),
        a.irrigationAreaM2,
        a.contractNumber ?? '',
        a.binIin ?? '',
      ]),
    },
    {
      name: 'readings',
      header: [
        'account',
        'meter',
        'water',
        'period',
        'value_m3',
        'read_on',
        'source',
        'status',
        'submitted_at',
      ],
      rows: data.readings.map((r) => [
        r.account,
        r.serial,
        r.water,
        month(r.period),
        formatM3(r.value_l),
        r.read_on,
        r.source,
        r.status,
        iso(r.submitted_at),
      ]),
    },
    {
      name: 'documents',
      header: ['account', 'period'],
      rows: data.documents.map((d) => [d.account, month(d.period)]),
    },
    {
      name: 'sign_ins',
      header: ['at', 'action', 'ip'],
      rows: data.signIns.map((s) => [iso(s.at), s.action, s.ip ?? '']),
    },
  ];
}

/** The export as JSON: one object per table row, keyed by the column names. */
export function personalDataJson(data: PersonalData): string {
  const out: Record<string, unknown> = { exported_at: data.exportedAt.toISOString() };
  for (const t of tables(data)) {
    const objects = t.rows.map((row) => Object.fromEntries(t.header.map((h, i) => [h, row[i] ?? ''])));
    out[t.name] =
      t.name === 'profile' ? Object.fromEntries(t.rows.map(([k, v]) => [k ?? '', v ?? ''])) : objects;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * The export as one CSV file for spreadsheets (UTF-8 with BOM, `;`, decimal comma, as every CSV
 * of the cabinet): each table under a row with its name, a blank row between tables.
 */
export function personalDataCsv(data: PersonalData): string {
  const rows: string[][] = [['exported_at', data.exportedAt.toISOString()], []];
  for (const t of tables(data)) {
    rows.push([t.name], t.header);
    for (const row of t.rows) {
      rows.push(t.name === 'readings' ? row.map((v, i) => (i === 4 ? csvNumber(v) : v)) : row);
    }
    rows.push([]);
  }
  const [first, ...rest] = rows;
  return toCsv(first ?? [], rest);
}
