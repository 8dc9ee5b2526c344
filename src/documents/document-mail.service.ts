import type { AccountView } from '../accounts/accounts.queries';
import { audit } from '../auth/audit';
import type { Period } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { setSubscribeInvoices, userMailState } from './documents.queries';
import { mailDocument } from './documents.service';
import { invoiceLoader, statementLoader } from './invoice.service';

/** What sending a document by email came to; the page redirects (or answers 404) case by case. */
export type SendByEmailResult =
  | { kind: 'sent'; email: string }
  /** The user has no address to send to. */
  | { kind: 'noEmail' }
  /** The period or range is invalid, or has no data. */
  | { kind: 'noDocument' }
  /** The action limit is passed: seconds to wait. */
  | { kind: 'limited'; wait: number };

interface SendRequest {
  userId: number;
  locale: Locale;
  ip: string;
  /** Counts this attempt against the action limit; the seconds to wait, 0 when it may run. */
  limit: () => Promise<number>;
}

/**
 * The use case "send this month's invoice to my email": the message (which names the invoice; its
 * PDF is rendered when it is sent) goes into the outbox with an audit entry in one transaction; a
 * passed limit is audited and sends nothing.
 */
export async function sendInvoiceByEmail(
  db: DB,
  request: SendRequest & { account: AccountView; period: Period | null; payee: PaymentSettings },
): Promise<SendByEmailResult> {
  const state = await userMailState(db, request.userId);
  if (!state?.email) return { kind: 'noEmail' };
  const { account, period } = request;
  const invoice = period === null ? null : await invoiceLoader(db, account, period);
  if (!invoice || period === null) return { kind: 'noDocument' };
  const wait = await request.limit();
  const log = { actorUserId: request.userId || null, subject: account.number, ip: request.ip };
  if (wait) {
    await audit(db, { ...log, action: 'documents.email.limited', details: { invoice: period, wait } });
    return { kind: 'limited', wait };
  }
  const email = state.email;
  await db.transaction().execute(async (tx) => {
    await mailDocument(tx, email, request.locale, account, { invoice: period }, holderOf(request));
    await audit(tx, { ...log, action: 'documents.email.invoice', details: { period } });
  });
  return { kind: 'sent', email };
}

/**
 * The use case "send the settlement statement of a range to my email". The account is resolved
 * only once the user has an address (`account` checks that it is the user's own).
 */
export async function sendStatementByEmail(
  db: DB,
  request: SendRequest & {
    account: () => Promise<AccountView>;
    range: { from: Period; to: Period } | null;
  },
): Promise<SendByEmailResult> {
  const state = await userMailState(db, request.userId);
  if (!state?.email) return { kind: 'noEmail' };
  const account = await request.account();
  const { range } = request;
  if (!range) return { kind: 'noDocument' };
  if (!(await statementLoader(db, account.id, range.from, range.to))) return { kind: 'noDocument' };
  const wait = await request.limit();
  const filename = `statement-${account.number}-${range.from}-${range.to}.pdf`;
  const log = { actorUserId: request.userId || null, subject: filename, ip: request.ip };
  if (wait) {
    await audit(db, { ...log, action: 'documents.email.limited', details: { statement: true, wait } });
    return { kind: 'limited', wait };
  }
  const email = state.email;
  await db.transaction().execute(async (tx) => {
    await mailDocument(tx, email, request.locale, account, { statement: range }, holderOf(request));
    await audit(tx, { ...log, action: 'documents.email.statement' });
  });
  return { kind: 'sent', email };
}

/** The use case "subscribe to (or leave) the monthly invoice mailing"; subscribing needs an address. */
export async function setMailingSubscription(
  db: DB,
  userId: number,
  subscribe: boolean,
): Promise<'subscribed' | 'unsubscribed' | 'noEmail'> {
  const state = await userMailState(db, userId);
  if (subscribe && !state?.email) return 'noEmail';
  await setSubscribeInvoices(db, userId, subscribe);
  return subscribe ? 'subscribed' : 'unsubscribed';
}

/** The user a document is mailed to, checked again when the message is sent (MailDocuments.holder). */
function holderOf(request: { userId: number }): { holder?: number } {
  return request.userId > 0 ? { holder: request.userId } : {};
}
