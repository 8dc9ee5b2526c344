import { type AccountView, findAccountByNumber } from '../accounts/accounts.queries';
import { verifyLookupToken } from '../accounts/lookup-token';
import type { Invoice } from '../billing/invoice';
import type { Period } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import { formatPeriod, type Locale } from '../i18n/locales';
import { enqueueMail, type MailDocument } from '../mail/outbox';
import { toCsv } from '../web/csv';
import { docTableCsv, invoiceDocument, statementDocument } from './document-model';
import { userMailState } from './documents.queries';
import { documentsText } from './documents.text';
import { firstAccountYear } from './invoice.queries';
import { defaultPeriod, invoiceLoader, statementLoader } from './invoice.service';
import { renderPdf } from './pdf-threads';
import type { Reads } from './shared-reads';

export interface RenderedPdf {
  filename: string;
  bytes: Buffer;
}

/** invoiceRenderer: the invoice PDF of an account and month, or null when the month has no data. */
export async function invoicePdf(
  db: DB,
  account: AccountView,
  period: Period,
  locale: Locale,
  /**
   * `payee`: the payment details of the settings (Config), the same the invoice page shows;
   * `shared`: where the month's common facts are read (a delivery batch shares them).
   */
  options: { masked?: boolean; now?: Date; payee: PaymentSettings; shared?: Reads },
): Promise<RenderedPdf | null> {
  const invoice = await invoiceLoader(db, account, period, options.shared);
  return invoice ? invoicePdfOf(account, period, invoice, locale, options) : null;
}

/** The invoice PDF of a loaded invoice (invoicePdf without the reading). */
export async function invoicePdfOf(
  account: AccountView,
  period: Period,
  invoice: Invoice,
  locale: Locale,
  options: { masked?: boolean; now?: Date; payee: PaymentSettings },
): Promise<RenderedPdf> {
  const doc = invoiceDocument(locale, account, invoice, {
    masked: options.masked ?? false,
    payee: options.payee,
  });
  const bytes = await renderPdf({
    kind: 'invoice',
    document: doc,
    options: { locale, ...(options.now ? { now: options.now } : {}) },
  });
  return { filename: `invoice-${account.number}-${period}.pdf`, bytes };
}

export async function statementPdf(
  db: DB,
  account: AccountView,
  from: Period,
  to: Period,
  locale: Locale,
  shared?: Reads,
): Promise<RenderedPdf | null> {
  const statement = await statementLoader(db, account.id, from, to, shared);
  if (!statement) return null;
  const bytes = await renderPdf({
    kind: 'statement',
    document: statementDocument(locale, account, statement),
    options: { locale },
  });
  return { filename: `statement-${account.number}-${from}-${to}.pdf`, bytes };
}

/** The statement as a CSV file (decision 095): the page's table, opening and totals rows included. */
export async function statementCsv(
  db: DB,
  account: AccountView,
  from: Period,
  to: Period,
  locale: Locale,
): Promise<{ filename: string; text: string } | null> {
  const statement = await statementLoader(db, account.id, from, to);
  if (!statement) return null;
  const { header, rows } = docTableCsv(statementDocument(locale, account, statement).table);
  return { filename: `statement-${account.number}-${from}-${to}.csv`, text: toCsv(header, rows) };
}

/**
 * Puts a document into the outbox for the user's address: the message names the document (account,
 * months, language) and the deliverer renders the PDF when it sends it (decision 120).
 */
export async function mailDocument(
  db: DB,
  to: string,
  locale: Locale,
  account: { id: number },
  kind: { invoice: Period } | { statement: { from: Period; to: Period } },
  options: { purpose?: string; dedupeKey?: string; holder?: number } = {},
): Promise<number | null> {
  const t = documentsText[locale];
  const subject =
    'invoice' in kind
      ? t.mailSubjectInvoice(formatPeriod(locale, kind.invoice))
      : t.mailSubjectStatement(
          formatPeriod(locale, kind.statement.from),
          formatPeriod(locale, kind.statement.to),
        );
  const document: MailDocument =
    'invoice' in kind
      ? { kind: 'invoice', account: account.id, period: kind.invoice }
      : { kind: 'statement', account: account.id, from: kind.statement.from, to: kind.statement.to };
  return enqueueMail(db, {
    to,
    subject,
    text: t.mailBody(subject),
    documents: {
      locale,
      documents: [document],
      ...(options.holder !== undefined ? { holder: options.holder } : {}),
    },
    purpose: options.purpose ?? ('invoice' in kind ? 'documents.invoice' : 'documents.statement'),
    dedupeKey: options.dedupeKey,
  });
}

/** The years the period selectors offer for an account: from its first month to last month's year. */
export async function documentYears(db: DB, accountId: number): Promise<number[]> {
  const last = Number(defaultPeriod().slice(0, 4));
  const first = Math.min((await firstAccountYear(db, accountId)) ?? last, last);
  return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

/** The invoice (or breakdown) page: the month's invoice when the period is valid, the selector's years, the user's mail state. */
export async function loadInvoicePage(db: DB, account: AccountView, period: Period | null, userId: number) {
  const [invoice, years, mailState] = await Promise.all([
    period === null ? null : invoiceLoader(db, account, period),
    documentYears(db, account.id),
    userMailState(db, userId),
  ]);
  return { invoice, years, mailState };
}

/** The settlement page: the statement of a valid range, the selector's years, the user's mail state. */
export async function loadSettlementPage(
  db: DB,
  accountId: number,
  range: { from: Period; to: Period } | null,
  userId: number,
  /** Where the statement itself is read: a standby may serve it (decision 127); the rest reads `db`. */
  statementDb: DB = db,
) {
  const [statement, years, mailState] = await Promise.all([
    range ? statementLoader(statementDb, accountId, range.from, range.to) : null,
    documentYears(db, accountId),
    userMailState(db, userId),
  ]);
  return { statement, years, mailState };
}

/** The account a lookup token names, while the token is valid (SPEC.md 2.2), or null. */
export async function accountFromLookupToken(
  db: DB,
  secret: string,
  token: string,
): Promise<AccountView | null> {
  const number = verifyLookupToken(secret, token);
  return number === null ? null : ((await findAccountByNumber(db, number)) ?? null);
}

/** The anonymous breakdown: the month's invoice when the period is valid, and the selector's years. */
export async function loadAnonymousBreakdown(db: DB, account: AccountView, period: Period | null) {
  const [invoice, years] = await Promise.all([
    period === null ? null : invoiceLoader(db, account, period),
    documentYears(db, account.id),
  ]);
  return { invoice, years };
}
