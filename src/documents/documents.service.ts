import type { AccountView } from '../accounts/accounts.queries';
import type { Period } from '../billing/period';
import type { DB } from '../db/database';
import { formatPeriod, type Locale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { invoiceDocument, statementDocument } from './document-model';
import { documentsText } from './documents.text';
import { invoiceLoader, statementLoader } from './invoice.service';
import { renderInvoicePdf, renderStatementPdf } from './pdf';

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
  options: { masked?: boolean; now?: Date } = {},
): Promise<RenderedPdf | null> {
  const invoice = await invoiceLoader(db, account, period);
  if (!invoice) return null;
  const doc = invoiceDocument(locale, account, invoice, { masked: options.masked ?? false });
  const bytes = await renderInvoicePdf(doc, { locale, ...(options.now ? { now: options.now } : {}) });
  return { filename: `invoice-${account.number}-${period}.pdf`, bytes };
}

export async function statementPdf(
  db: DB,
  account: AccountView,
  from: Period,
  to: Period,
  locale: Locale,
): Promise<RenderedPdf | null> {
  const statement = await statementLoader(db, account.id, from, to);
  if (!statement) return null;
  const bytes = await renderStatementPdf(statementDocument(locale, account, statement), { locale });
  return { filename: `statement-${account.number}-${from}-${to}.pdf`, bytes };
}

/** Puts a document into the outbox for the user's address, the PDF attached. */
export async function mailDocument(
  db: DB,
  to: string,
  locale: Locale,
  pdf: RenderedPdf,
  kind: { invoice: Period } | { statement: true },
  options: { purpose?: string; dedupeKey?: string } = {},
): Promise<number | null> {
  const t = documentsText[locale];
  const subject =
    'invoice' in kind ? t.mailSubjectInvoice(formatPeriod(locale, kind.invoice)) : t.mailSubjectStatement;
  return enqueueMail(db, {
    to,
    subject,
    text: t.mailBody(subject),
    attachments: [
      { filename: pdf.filename, contentType: 'application/pdf', contentBase64: pdf.bytes.toString('base64') },
    ],
    purpose: options.purpose ?? ('invoice' in kind ? 'documents.invoice' : 'documents.statement'),
    dedupeKey: options.dedupeKey,
  });
}

export async function setInvoiceSubscription(db: DB, userId: number, subscribe: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ subscribe_invoices: subscribe, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function userMailState(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select(['email', 'subscribe_invoices', 'locale'])
    .where('id', '=', userId)
    .executeTakeFirst();
}
