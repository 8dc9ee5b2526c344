import { type AccountView, findAccountById, findAccountsByIds } from '../accounts/accounts.queries';
import { isPeriod } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import { isLocale } from '../i18n/locales';
import type { MailDocuments } from '../mail/outbox';
import { invoicePdf, type RenderedPdf, statementPdf } from './documents.service';
import { SharedReads } from './shared-reads';

/** A document of a message that cannot be rendered any more (its account or month has no data). */
export class DocumentGone extends Error {}

/**
 * What the messages of one delivery batch share while their documents are rendered: the facts
 * every invoice of a month has in common (read once), and the batch's accounts, read in one
 * statement. Made for one batch and dropped after it (its figures are seconds old at most).
 */
export interface RenderBatch {
  shared: SharedReads;
  accounts: Map<number, AccountView>;
}

/**
 * The batch context of messages about to be rendered: their accounts read together. When that
 * read fails, each message reads its own account (and meets the failure itself, with a retry).
 */
export async function renderBatch(db: DB, specs: (MailDocuments | null)[]): Promise<RenderBatch> {
  const ids = new Set<number>();
  for (const spec of specs) for (const doc of spec?.documents ?? []) ids.add(doc.account);
  const accounts = new Map<number, AccountView>();
  try {
    for (const account of await findAccountsByIds(db, [...ids])) accounts.set(account.id, account);
  } catch {
    accounts.clear();
  }
  return { shared: new SharedReads(), accounts };
}

/**
 * Renders the PDFs an outbox message names, when it is sent (docs/decisions/120-*.md): the
 * invoice of an account and month, or the statement of a range, in the message's language.
 * Throws DocumentGone when one of them has no data (sending it again would not help). `payee`:
 * the payment details of the settings, the same the pages and downloaded PDFs show. `batch`: what
 * the messages delivered together share (renderBatch); without it every read is the message's own.
 */
export async function renderMailDocuments(
  db: DB,
  spec: MailDocuments,
  payee: PaymentSettings,
  batch?: RenderBatch,
): Promise<RenderedPdf[]> {
  const locale = isLocale(spec.locale) ? spec.locale : 'kk';
  const shared = batch?.shared;
  const pdfs: RenderedPdf[] = [];
  for (const doc of spec.documents) {
    const account = batch?.accounts.get(doc.account) ?? (await findAccountById(db, doc.account));
    if (!account) throw new DocumentGone(`account ${doc.account} not found`);
    let pdf: RenderedPdf | null = null;
    if (doc.kind === 'invoice' && isPeriod(doc.period))
      pdf = await invoicePdf(db, account, doc.period, locale, { payee, ...(shared ? { shared } : {}) });
    else if (doc.kind === 'statement' && isPeriod(doc.from) && isPeriod(doc.to))
      pdf = await statementPdf(db, account, doc.from, doc.to, locale, shared);
    if (!pdf) throw new DocumentGone(`no ${doc.kind} of account ${account.number} to render`);
    pdfs.push(pdf);
  }
  return pdfs;
}
