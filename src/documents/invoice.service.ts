import type { AccountView } from '../accounts/accounts.queries';
import {
  assembleInvoice,
  type DocumentDates,
  type Invoice,
  type InvoiceRecalculation,
} from '../billing/invoice';
import { buildStatement, type Statement, statementRangeProblem } from '../billing/statement';
import { addMonths, isPeriod, makePeriod, monthStart, type Period, periodOf } from '../calendar/calendar';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import type { DB } from '../db/database';
import { billingDataAsOf } from '../exchange/data-as-of';
import { monthCutoff } from '../readings/counting-reading.queries';
import { invoiceFactsOfAccounts, statementFacts } from './invoice.queries';
import { penaltyBases } from './penalty.queries';
import { type Reads, readEachTime, SharedReads } from './shared-reads';

/** The month a document opens with: the previous month (SPEC.md 3.4). */
export function defaultPeriod(now: Date = new Date()): Period {
  return addMonths(periodOf(now), -1);
}

export type PeriodProblem = 'invalid' | 'future';

/**
 * Reads a period from a query: `period=2020-05`, or `month=5&year=2020` as the selector sends it.
 * Returns the period, or a problem to show next to the selector (with what was chosen kept).
 */
export function periodFromQuery(
  query: Record<string, unknown>,
  now: Date = new Date(),
  prefix = '',
): { period: Period; problem: PeriodProblem | null; month: string; year: string } {
  const fallback = defaultPeriod(now);
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const direct = str(`${prefix}period`);
  let month = str(`${prefix}month`);
  let year = str(`${prefix}year`);
  if (direct) {
    if (!isPeriod(direct)) return { period: fallback, problem: 'invalid', month, year };
    year = direct.slice(0, 4);
    month = String(Number(direct.slice(5, 7)));
  }
  if (!month && !year) {
    return {
      period: fallback,
      problem: null,
      month: String(Number(fallback.slice(5))),
      year: fallback.slice(0, 4),
    };
  }
  const m = /^\d{1,2}$/.test(month) ? Number(month) : Number.NaN;
  const y = /^\d{4}$/.test(year) ? Number(year) : Number.NaN;
  if (!(m >= 1 && m <= 12) || !(y >= 2000 && y <= 2100)) {
    return { period: fallback, problem: 'invalid', month, year };
  }
  const period = makePeriod(y, m);
  if (period > fallback) return { period, problem: 'future', month, year };
  return { period, problem: null, month, year };
}

export interface LoadedInvoice {
  account: AccountView;
  invoice: Invoice;
}

/**
 * Loads an account's invoice for a month from the ledger; null when the month has no data.
 * `shared`: where the month's common facts are read (shared-reads.ts). Without one (a page, a
 * download), the invoices asked for by requests that arrive together are read together.
 */
export async function invoiceLoader(
  db: DB,
  account: AccountView,
  period: Period,
  shared: Reads = readEachTime,
): Promise<Invoice | null> {
  if (shared === readEachTime) return invoiceBatches(db)({ account, period });
  return (await invoicesOfAccounts(db, [account], period, shared)).get(account.id) ?? null;
}

/**
 * The invoices asked for while the event loop was busy, read as a delivery batch reads them
 * (decision 185): per month, each kind of ledger row in one statement for all the accounts, the
 * month's tariffs, norms, closing and "data as of" once. At month-end most customers open last
 * month's invoice, so requests that arrive together share one round of reads instead of one
 * each (decision 196). The reads are sent after every call in the batch was made (decision 192):
 * no answer is older than its request. Each caller gets its own account's invoice only.
 */
const invoiceBatches = perDatabase((db: DB) =>
  batched(async (asks: readonly { account: AccountView; period: Period }[]) => {
    const months = new Map<Period, Map<number, AccountView>>();
    for (const { account, period } of asks) {
      const accounts = months.get(period) ?? new Map<number, AccountView>();
      accounts.set(account.id, account);
      months.set(period, accounts);
    }
    const shared = new SharedReads();
    const read = await Promise.all(
      [...months].map(async ([period, accounts]) => {
        const invoices = await invoicesOfAccounts(db, [...accounts.values()], period, shared);
        return [period, invoices] as const;
      }),
    );
    const byMonth = new Map(read);
    return asks.map(({ account, period }) => byMonth.get(period)?.get(account.id) ?? null);
  }, STATEMENT_BATCHES),
);

/** invoiceLoader of several accounts for one month, each kind of ledger row read for all at once. */
export async function invoicesOfAccounts(
  db: DB,
  accounts: readonly AccountView[],
  period: Period,
  shared: Reads = readEachTime,
): Promise<Map<number, Invoice | null>> {
  const ids = accounts.map((a) => a.id);
  const [facts, bases] = await Promise.all([
    invoiceFactsOfAccounts(db, accounts, period, shared),
    penaltyBases(db, ids, period),
  ]);
  return new Map(
    accounts.map((account) => {
      const input = facts.get(account.id);
      return [
        account.id,
        input ? assembleInvoice({ ...input, penaltyBasis: bases.get(account.id) ?? [] }) : null,
      ];
    }),
  );
}

/** A statement with when its figures were taken and the recalculations of its months, with reasons. */
export type LoadedStatement = Statement & {
  dates: DocumentDates;
  recalculations: (InvoiceRecalculation & { period: Period })[];
};

/** Loads a settlement statement; null when the range has no data. The range must be valid. */
export async function statementLoader(
  db: DB,
  accountId: number,
  from: Period,
  to: Period,
  shared: Reads = readEachTime,
): Promise<LoadedStatement | null> {
  if (statementRangeProblem(from, to)) throw new RangeError('invalid statement range');
  const facts = await statementFacts(db, accountId, from, to);
  if (!facts) return null;
  const first = facts.months[0]?.period ?? from;
  // The statement's figures as of the last exchange and the closing of its last month with data.
  const last = facts.months.at(-1)?.period ?? to;
  const [dataAsOf, closedAt] = await Promise.all([
    shared.get('dataAsOf', () => billingDataAsOf(db)),
    shared.get(`cutoff:${monthStart(last)}`, () => monthCutoff(db, monthStart(last))),
  ]);
  return {
    ...buildStatement(first, to, facts.openingTiyn, facts.months),
    dates: { dataAsOf, closedAt },
    recalculations: facts.recalculations,
  };
}
