import {
  type AccountView,
  findAccountById,
  findAccountsByIds,
  heldPairs,
} from '../accounts/accounts.queries';
import type { Invoice } from '../billing/invoice';
import { isPeriod, type Period } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import { isLocale, type Locale } from '../i18n/locales';
import type { MailDocument, MailDocuments } from '../mail/outbox';
import { invoicePdf, invoicePdfOf, type RenderedPdf, statementPdf } from './documents.service';
import { invoicesOfAccounts } from './invoice.service';
import { SharedReads } from './shared-reads';

/** A document of a message that cannot be rendered any more (its account or month has no data). */
export class DocumentGone extends Error {}

/**
 * What the messages of one delivery batch share while their documents are rendered: the batch's
 * accounts and invoices, each kind of row read for all of them in one statement, and the facts
 * every invoice of a month has in common. Made for one batch and dropped after it (its figures are
 * seconds old at most).
 */
export interface RenderBatch {
  shared: SharedReads;
  accounts: Map<number, AccountView>;
  /** By `${account id}:${period}`; null when the month has no data for the account. */
  invoices: Map<string, Invoice | null>;
  /** The (holder, account) links of the batch's messages that exist, as `${user}:${account}`; null: not read. */
  held: Set<string> | null;
}

/** The (holder, account) pairs a message's documents name, when it names its holder. */
const holderPairs = (spec: MailDocuments) =>
  spec.holder === undefined
    ? []
    : spec.documents.map((d) => ({ userId: spec.holder ?? 0, accountId: d.account }));

const invoiceKey = (account: number, period: string) => `${account}:${period}`;

/**
 * The batch context of messages about to be rendered: their accounts and invoices read together.
 * When that read fails, each message reads its own (and meets the failure itself, with a retry).
 */
export async function renderBatch(db: DB, specs: (MailDocuments | null)[]): Promise<RenderBatch> {
  const batch: RenderBatch = {
    shared: new SharedReads(),
    accounts: new Map(),
    invoices: new Map(),
    held: null,
  };
  const docs = specs.flatMap((spec) => spec?.documents ?? []);
  try {
    batch.held = await heldPairs(
      db,
      specs.flatMap((spec) => (spec ? holderPairs(spec) : [])),
    );
    for (const account of await findAccountsByIds(db, [...new Set(docs.map((d) => d.account))]))
      batch.accounts.set(account.id, account);
    const byPeriod = new Map<Period, AccountView[]>();
    for (const doc of docs) {
      const account = batch.accounts.get(doc.account);
      if (doc.kind !== 'invoice' || !account || !isPeriod(doc.period)) continue;
      const list = byPeriod.get(doc.period) ?? [];
      if (!list.includes(account)) list.push(account);
      byPeriod.set(doc.period, list);
    }
    for (const [period, accounts] of byPeriod) {
      const invoices = await invoicesOfAccounts(db, accounts, period, batch.shared);
      for (const [id, invoice] of invoices) batch.invoices.set(invoiceKey(id, period), invoice);
    }
  } catch {
    batch.accounts.clear();
    batch.invoices.clear();
    batch.held = null;
  }
  return batch;
}

/** The invoice PDF of a message: from the batch's invoices when it has read it, else read now. */
async function mailedInvoice(
  db: DB,
  account: AccountView,
  period: Period,
  locale: Locale,
  payee: PaymentSettings,
  batch: RenderBatch | undefined,
): Promise<RenderedPdf | null> {
  const key = invoiceKey(account.id, period);
  if (batch?.invoices.has(key)) {
    const invoice = batch.invoices.get(key);
    return invoice ? invoicePdfOf(account, period, invoice, locale, { payee }) : null;
  }
  return invoicePdf(db, account, period, locale, { payee, ...(batch ? { shared: batch.shared } : {}) });
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
  for (const doc of await stillHeld(db, spec, batch)) {
    const account = batch?.accounts.get(doc.account) ?? (await findAccountById(db, doc.account));
    if (!account) throw new DocumentGone(`account ${doc.account} not found`);
    let pdf: RenderedPdf | null = null;
    if (doc.kind === 'invoice' && isPeriod(doc.period))
      pdf = await mailedInvoice(db, account, doc.period, locale, payee, batch);
    else if (doc.kind === 'statement' && isPeriod(doc.from) && isPeriod(doc.to))
      pdf = await statementPdf(db, account, doc.from, doc.to, locale, shared);
    if (!pdf) throw new DocumentGone(`no ${doc.kind} of account ${account.number} to render`);
    pdfs.push(pdf);
  }
  return pdfs;
}

/**
 * The documents of a message whose accounts its holder still holds: an account removed from the
 * user (by the user, or by the account's holder through the revoke link) after the message was
 * written is not mailed to them. Throws DocumentGone when none is left.
 */
async function stillHeld(
  db: DB,
  spec: MailDocuments,
  batch: RenderBatch | undefined,
): Promise<MailDocument[]> {
  if (spec.holder === undefined) return spec.documents;
  const held = batch?.held ?? (await heldPairs(db, holderPairs(spec)));
  const documents = spec.documents.filter((d) => held.has(`${spec.holder}:${d.account}`));
  if (documents.length === 0)
    throw new DocumentGone('the recipient no longer holds the accounts of the message');
  return documents;
}
