import { closingBalance } from '../billing/statement';
import { formatTiynFixed } from '../money/tiyn';
import type { ExchangeMessage } from './exchange.messages';
import {
  choice,
  code,
  date,
  decimal,
  type FieldParser,
  int,
  litres,
  month,
  percentBp,
  period,
  text,
  tiyn,
} from './fields';

/**
 * The files the billing system sends, one kind per file (docs/exchange.md). Each kind names its
 * columns, how a cell is parsed, which billing-system key identifies a row, and the table it
 * is upserted into.
 */
export type RefName = 'streets' | 'buildings' | 'premises' | 'accounts' | 'meters';
export type Refs = Record<RefName, Map<string, number>>;
export type DbRow = Record<string, string | number | null>;
type Values = Record<string, unknown>;

export interface Column {
  name: string;
  parse: FieldParser<unknown>;
  required?: boolean;
  /** Used when the column is absent or the cell empty. */
  fallback?: string | number | null;
}

export type RowResult =
  | { row: DbRow }
  | { problem: { code: ExchangeMessage; params?: Record<string, string | number> } };

/**
 * A column that refers to another table by the billing system's code (`account` = account
 * number, `meter` = meter code...). `toRow` leaves the code in the database column; the import
 * resolves it to the id, in JavaScript (batched path) or in SQL (staging path), after every
 * other check of the row.
 */
export interface RefColumn {
  /** Database column that receives the id. */
  column: string;
  /** The referenced table. */
  to: RefName;
  /** The file's column with the code, named in the report. */
  field: string;
}

/** Column of a referenced table that holds the billing system's code. */
export const refKey = (to: RefName) => (to === 'accounts' ? 'number' : 'code');

export interface FileKind {
  name: string;
  columns: Column[];
  ref?: RefColumn;
  table: string;
  /** Columns of the unique key the upsert targets. */
  conflict: string[];
  /**
   * Database columns with their PostgreSQL types, and what each takes: the file's column of the
   * same name, the file's column named third, or a value made from the row's values.
   */
  dbColumns: [column: string, type: string, from?: string | ((v: Values) => DbRow[string])][];
  /** Extra column values on insert only (SQL expressions). */
  insertOnly?: Record<string, string>;
  /** Rules across a row's values: why the row is rejected, if it is. */
  check?(v: Values): Rejection | undefined;
}

type Rejection = Extract<RowResult, { problem: unknown }>;

/** The row to write, with the code still in `ref.column`, or why the row is rejected. */
export function toRow(kind: FileKind, v: Values): RowResult {
  const rejected = kind.check?.(v);
  if (rejected) return rejected;
  const row: DbRow = {};
  for (const [column, , from] of kind.dbColumns)
    row[column] = typeof from === 'function' ? from(v) : (v[from ?? column] as DbRow[string]);
  return { row };
}

const req = (name: string, parse: FieldParser<unknown>): Column => ({ name, parse, required: true });
const opt = (name: string, parse: FieldParser<unknown>, fallback: string | number | null = null): Column => ({
  name,
  parse,
  fallback,
});

/** Replaces the code in the row's reference column by the id from `refs`. */
export function resolveRef(kind: FileKind, row: DbRow, refs: Refs): RowResult {
  if (!kind.ref) return { row };
  const value = String(row[kind.ref.column]);
  const id = refs[kind.ref.to].get(value);
  if (id === undefined) return { problem: { code: 'unknownRef', params: { column: kind.ref.field, value } } };
  row[kind.ref.column] = id;
  return { row };
}

export const KINDS: FileKind[] = [
  {
    name: 'streets',
    columns: [req('code', code), req('name', text(200))],
    table: 'streets',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['name', 'text'],
    ],
  },
  {
    name: 'buildings',
    columns: [req('code', code), req('street', code), req('number', text(20)), opt('prefix', text(20), '')],
    ref: { column: 'street_id', to: 'streets', field: 'street' },
    table: 'buildings',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['street_id', 'int', 'street'],
      ['number', 'text'],
      ['prefix', 'text'],
    ],
  },
  {
    name: 'premises',
    columns: [req('code', code), req('building', code), opt('apartment', text(20), '')],
    ref: { column: 'building_id', to: 'buildings', field: 'building' },
    table: 'premises',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['building_id', 'int', 'building'],
      ['apartment', 'text'],
    ],
  },
  {
    name: 'accounts',
    columns: [
      req('number', text(8)),
      req('kind', choice('individual', 'legal')),
      req('premise', code),
      req('owner_name', text(200)),
      opt('owner_surname', text(100), ''),
      opt('residents', int(0, 1000), 0),
      opt('irrigation_area_m2', decimal(2), '0'),
      opt('contract_number', text(40)),
      opt('bin_iin', text(12)),
      opt('opened_on', date),
      opt('closed_on', date),
    ],
    ref: { column: 'premise_id', to: 'premises', field: 'premise' },
    table: 'accounts',
    conflict: ['number'],
    dbColumns: [
      ['number', 'text'],
      ['kind', 'text'],
      ['premise_id', 'int', 'premise'],
      ['owner_name', 'text'],
      ['owner_surname', 'text'],
      ['residents', 'int'],
      ['irrigation_area_m2', 'numeric'],
      ['contract_number', 'text'],
      ['bin_iin', 'text'],
      ['opened_on', 'date'],
      ['closed_on', 'date'],
    ],
    check: (v): Rejection | undefined => {
      const number = v.number as string;
      if (!/^\d{8}$/.test(number))
        return { problem: { code: 'badAccountNumber', params: { value: number } } };
      const bin = v.bin_iin as string | null;
      if (bin !== null && !/^\d{12}$/.test(bin))
        return { problem: { code: 'badBin', params: { value: bin } } };
      if (v.kind === 'legal' && (v.contract_number === null || bin === null))
        return { problem: { code: 'legalNeedsContract' } };
      if (v.opened_on && v.closed_on && (v.closed_on as string) < (v.opened_on as string))
        return { problem: { code: 'dateOrder', params: { column: 'closed_on', other: 'opened_on' } } };
      return undefined;
    },
  },
  {
    name: 'meters',
    columns: [
      req('code', code),
      req('account', text(8)),
      opt('input_no', int(1, 99), 1),
      opt('location', text(100), ''),
      req('water', choice('cold', 'hot')),
      req('serial', text(40)),
      opt('verification_due', date),
      req('installed_on', date),
      opt('removed_on', date),
    ],
    ref: { column: 'account_id', to: 'accounts', field: 'account' },
    table: 'meters',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['account_id', 'int', 'account'],
      ['input_no', 'int'],
      ['location', 'text'],
      ['water', 'text'],
      ['serial', 'text'],
      ['verification_due', 'date'],
      ['installed_on', 'date'],
      ['removed_on', 'date'],
    ],
    check: (v): Rejection | undefined => {
      if (v.removed_on && (v.removed_on as string) < (v.installed_on as string))
        return { problem: { code: 'dateOrder', params: { column: 'removed_on', other: 'installed_on' } } };
      return undefined;
    },
  },
  {
    name: 'tariffs',
    columns: [
      req('service', choice('cold_water', 'sewage')),
      req('customer_kind', choice('individual', 'legal')),
      req('effective_from', date),
      req('price_per_m3', (s) => tiyn(s)),
    ],
    table: 'tariffs',
    conflict: ['service', 'customer_kind', 'effective_from'],
    dbColumns: [
      ['service', 'text'],
      ['customer_kind', 'text'],
      ['effective_from', 'date'],
      ['price_tiyn_per_m3', 'bigint', 'price_per_m3'],
    ],
    check: (v): Rejection | undefined => {
      if ((v.price_per_m3 as number) < 0)
        return {
          problem: { code: 'badMoney', params: { column: 'price_per_m3', value: String(v.price_per_m3) } },
        };
      return undefined;
    },
  },
  {
    name: 'vat_rates',
    columns: [req('effective_from', date), req('rate_percent', percentBp)],
    table: 'vat_rates',
    conflict: ['effective_from'],
    dbColumns: [
      ['effective_from', 'date'],
      ['rate_bp', 'int', 'rate_percent'],
    ],
  },
  {
    name: 'norms',
    columns: [
      req('kind', choice('cold_per_person', 'hot_per_person', 'irrigation_per_m2')),
      req('effective_from', date),
      req('volume_m3', litres),
      opt('season_from_month', month),
      opt('season_to_month', month),
    ],
    table: 'norms',
    conflict: ['kind', 'effective_from'],
    dbColumns: [
      ['kind', 'text'],
      ['effective_from', 'date'],
      ['litres', 'int', 'volume_m3'],
      ['season_from_month', 'int'],
      ['season_to_month', 'int'],
    ],
  },
  {
    name: 'penalty_rates',
    columns: [
      req('effective_from', date),
      req('refinancing_rate_percent', percentBp),
      req('coefficient', decimal(4)),
    ],
    table: 'penalty_rates',
    conflict: ['effective_from'],
    dbColumns: [
      ['effective_from', 'date'],
      ['refinancing_rate_bp', 'int', 'refinancing_rate_percent'],
      ['coefficient', 'numeric'],
    ],
  },
  {
    name: 'readings',
    columns: [
      req('meter', code),
      req('period', period),
      req('value_m3', litres),
      req('read_on', date),
      opt('source', choice('billing', 'inspector', 'phone', 'cabinet', 'operator'), 'billing'),
    ],
    ref: { column: 'meter_id', to: 'meters', field: 'meter' },
    table: 'readings',
    conflict: ['idempotency_key'],
    dbColumns: [
      ['idempotency_key', 'text', (v) => `billing:${v.meter as string}:${v.read_on as string}`],
      ['meter_id', 'int', 'meter'],
      ['period', 'date'],
      ['value_l', 'bigint', 'value_m3'],
      ['read_on', 'date'],
      ['source', 'text'],
    ],
    // The billing system's own readings need not go back to it.
    insertOnly: { exported_at: 'now()', submitted_at: 'now()' },
    check: (v): Rejection | undefined => {
      if ((v.value_m3 as number) > 99_999_999)
        return { problem: { code: 'badVolume', params: { column: 'value_m3', value: String(v.value_m3) } } };
      return undefined;
    },
  },
  {
    name: 'charges',
    columns: [
      req('account', text(8)),
      req('period', period),
      req('service', choice('cold_water', 'sewage')),
      req('basis', choice('meter', 'norm')),
      req('volume_m3', litres),
      req('tariff_per_m3', tiyn),
      req('vat_percent', percentBp),
      req('amount', tiyn),
    ],
    ref: { column: 'account_id', to: 'accounts', field: 'account' },
    table: 'charges',
    conflict: ['account_id', 'period', 'service', 'basis'],
    dbColumns: [
      ['account_id', 'int', 'account'],
      ['period', 'date'],
      ['service', 'text'],
      ['basis', 'text'],
      ['quantity_l', 'bigint', 'volume_m3'],
      ['tariff_tiyn_per_m3', 'bigint', 'tariff_per_m3'],
      ['vat_bp', 'int', 'vat_percent'],
      ['amount_tiyn', 'bigint', 'amount'],
    ],
  },
  {
    name: 'payments',
    columns: [
      req('code', code),
      req('account', text(8)),
      req('paid_on', date),
      req('period', period),
      req('amount', tiyn),
      opt('kind', choice('regular', 'compensation'), 'regular'),
    ],
    ref: { column: 'account_id', to: 'accounts', field: 'account' },
    table: 'payments',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['account_id', 'int', 'account'],
      ['paid_on', 'date'],
      ['period', 'date'],
      ['amount_tiyn', 'bigint', 'amount'],
      ['kind', 'text'],
    ],
    insertOnly: { source: "'billing'" },
  },
  {
    name: 'recalculations',
    columns: [
      req('code', code),
      req('account', text(8)),
      req('period', period),
      opt('for_period', period),
      opt('service', choice('cold_water', 'sewage')),
      req('amount', tiyn),
      opt('reason', text(500), ''),
    ],
    ref: { column: 'account_id', to: 'accounts', field: 'account' },
    table: 'recalculations',
    conflict: ['code'],
    dbColumns: [
      ['code', 'text'],
      ['account_id', 'int', 'account'],
      ['period', 'date'],
      ['for_period', 'date'],
      ['service', 'text'],
      ['amount_tiyn', 'bigint', 'amount'],
      ['reason', 'text'],
    ],
  },
  {
    name: 'balances',
    columns: [
      req('account', text(8)),
      req('period', period),
      req('opening', tiyn),
      opt('charged', tiyn, 0),
      opt('recalculation', tiyn, 0),
      opt('penalty', tiyn, 0),
      opt('other', tiyn, 0),
      opt('paid', tiyn, 0),
      opt('compensation', tiyn, 0),
      req('closing', tiyn),
    ],
    ref: { column: 'account_id', to: 'accounts', field: 'account' },
    table: 'account_months',
    conflict: ['account_id', 'period'],
    dbColumns: [
      ['account_id', 'int', 'account'],
      ['period', 'date'],
      ['opening_tiyn', 'bigint', 'opening'],
      ['charged_tiyn', 'bigint', 'charged'],
      ['recalculation_tiyn', 'bigint', 'recalculation'],
      ['penalty_tiyn', 'bigint', 'penalty'],
      ['other_tiyn', 'bigint', 'other'],
      ['paid_tiyn', 'bigint', 'paid'],
      ['compensation_tiyn', 'bigint', 'compensation'],
      ['closing_tiyn', 'bigint', 'closing'],
    ],
    check: (v): Rejection | undefined => {
      const n = (k: string) => v[k] as number;
      const expected = closingBalance({
        openingTiyn: n('opening'),
        chargedTiyn: n('charged'),
        recalculationTiyn: n('recalculation'),
        penaltyTiyn: n('penalty'),
        otherTiyn: n('other'),
        paidTiyn: n('paid'),
      });
      if (expected !== n('closing'))
        return {
          problem: {
            code: 'balanceMismatch',
            params: { expected: formatTiynFixed(expected), closing: formatTiynFixed(n('closing')) },
          },
        };
      return undefined;
    },
  },
];

/** The import order of a directory: referenced data before what refers to it. */
export const KIND_ORDER = KINDS.map((k) => k.name);

/**
 * The kind of a file from its name: `accounts.csv`, `2026-11-23_accounts.csv`,
 * `accounts.cp1251.csv`. Longer names first, so `penalty_rates` is not read as something else.
 */
export function kindOfFile(fileName: string): FileKind | undefined {
  const base = fileName.split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (!base.endsWith('.csv')) return undefined;
  const sorted = [...KINDS].sort((a, b) => b.name.length - a.name.length);
  return sorted.find((k) => new RegExp(`(^|[^a-z])${k.name}([^a-z]|$)`).test(base));
}

/** Encoding declared in the file name (`.cp1251.csv`, `.windows-1251.csv`, `.utf8.csv`). */
export function declaredEncoding(fileName: string): 'utf-8' | 'windows-1251' | undefined {
  const base = fileName.toLowerCase();
  if (/[._-](cp1251|windows-1251|win1251)\.csv$/.test(base)) return 'windows-1251';
  if (/[._-](utf-?8)\.csv$/.test(base)) return 'utf-8';
  return undefined;
}
