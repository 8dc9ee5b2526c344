import { findAccountById } from '../accounts/accounts.queries';
import { isPeriod } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import { isLocale } from '../i18n/locales';
import type { MailDocuments } from '../mail/outbox';
import { invoicePdf, type RenderedPdf, statementPdf } from './documents.service';

/** A document of a message that cannot be rendered any more (its account or month has no data). */
export class DocumentGone extends Error {}

/**
 * Renders the PDFs an outbox message names, when it is sent (docs/decisions/120-*.md): the
 * invoice of an account and month, or the statement of a range, in the message's language.
 * Throws DocumentGone when one of them has no data (sending it again would not help). `payee`:
 * the payment details of the settings, the same the pages and downloaded PDFs show.
 */
export async function renderMailDocuments(
  db: DB,
  spec: MailDocuments,
  payee: PaymentSettings,
): Promise<RenderedPdf[]> {
  const locale = isLocale(spec.locale) ? spec.locale : 'kk';
  const pdfs: RenderedPdf[] = [];
  for (const doc of spec.documents) {
    const account = await findAccountById(db, doc.account);
    if (!account) throw new DocumentGone(`account ${doc.account} not found`);
    let pdf: RenderedPdf | null = null;
    if (doc.kind === 'invoice' && isPeriod(doc.period))
      pdf = await invoicePdf(db, account, doc.period, locale, { payee });
    else if (doc.kind === 'statement' && isPeriod(doc.from) && isPeriod(doc.to))
      pdf = await statementPdf(db, account, doc.from, doc.to, locale);
    if (!pdf) throw new DocumentGone(`no ${doc.kind} of account ${account.number} to render`);
    pdfs.push(pdf);
  }
  return pdfs;
}
