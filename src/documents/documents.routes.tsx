import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { customerAccount } from '../accounts/access';
import { type AppDeps, lagTolerantDb } from '../app-deps';
import { requireCustomer, safeNext } from '../auth/guard';
import { statementRangeProblem } from '../billing/statement';
import { addMonths } from '../calendar/calendar';
import { actionLimit } from '../web/action-limit';
import { attachmentHeader } from '../web/csv';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { type SchemaApp, withSchemas } from '../web/request-schemas';
import {
  type SendByEmailResult,
  sendInvoiceByEmail,
  sendStatementByEmail,
  setMailingSubscription,
} from './document-mail.service';
import {
  AnonymousBreakdownPage,
  AnonymousExpiredPage,
  InvoicePage,
  SettlementPage,
} from './document-pages.views';
import {
  anonymousQuery,
  invoiceEmailForm,
  invoicePageQuery,
  settlementEmailForm,
  settlementPageQuery,
  subscriptionForm,
} from './documents.schemas';
import {
  accountFromLookupToken,
  invoicePdf,
  loadAnonymousBreakdown,
  loadInvoicePage,
  loadSettlementPage,
  statementCsv,
  statementPdf,
} from './documents.service';
import { defaultPeriod, periodFromQuery } from './invoice.service';

type Query = Record<string, string | undefined>;

function sendPdf(reply: FastifyReply, pdf: { filename: string; bytes: Buffer }, download: boolean) {
  return reply
    .header('content-type', 'application/pdf')
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${pdf.filename}"`)
    .send(pdf.bytes);
}

/** The statement range from the query: both ends, each with its own message. */
function rangeFromQuery(q: Query) {
  const to = periodFromQuery(q, new Date(), 'to_');
  const fallbackFrom = addMonths(to.problem ? defaultPeriod() : to.period, -11);
  const fromRaw = periodFromQuery(
    q.from_month || q.from_year || q.from_period ? q : { from_period: fallbackFrom },
    new Date(),
    'from_',
  );
  let rangeProblem: 'order' | 'too_long' | null = null;
  if (!to.problem && !fromRaw.problem) rangeProblem = statementRangeProblem(fromRaw.period, to.period);
  return { from: fromRaw, to, rangeProblem };
}

/** The range when both ends and their order are valid, else null. */
function validRange(range: ReturnType<typeof rangeFromQuery>) {
  return range.from.problem || range.to.problem || range.rangeProblem
    ? null
    : { from: range.from.period, to: range.to.period };
}

/** Where a mail action sends the user back to, or 404 when there was no document to send. */
function afterSending(reply: FastifyReply, back: string, result: SendByEmailResult) {
  if (result.kind === 'noDocument') return reply.callNotFound();
  const done =
    result.kind === 'noEmail' ? 'noemail' : result.kind === 'limited' ? `wait-${result.wait}` : 'sent';
  return reply.redirect(withDone(back, done), 303);
}

export async function documentsRoutes(instance: FastifyInstance, deps: AppDeps) {
  const app = withSchemas(instance);
  // "Send to email" puts a PDF into the outbox: a few per user and per address an hour.
  const emailLimit = actionLimit(deps.db, 'documents.email', {
    perUser: 5,
    perClient: 20,
    timeWindowMs: 3600_000,
  });
  invoiceRoutes(app, deps, emailLimit);
  settlementRoutes(app, deps, emailLimit);
  anonymousBreakdownRoutes(app, deps);
}

type EmailLimit = ReturnType<typeof actionLimit>;

/** The invoice and breakdown pages, the invoice PDF, sending it by email, the mailing subscription. */
function invoiceRoutes(app: SchemaApp, { db, config }: AppDeps, emailLimit: EmailLimit) {
  const pageOptions = { preHandler: requireCustomer, schema: { querystring: invoicePageQuery } };
  const invoicePage = async (
    kind: 'invoice' | 'breakdown',
    req: FastifyRequest,
    reply: FastifyReply,
    q: z.infer<typeof invoicePageQuery>,
  ) => {
    const account = await customerAccount(db, req, q.account);
    const ctx = pageContext(req, reply);
    const sel = periodFromQuery(q);
    const page = await loadInvoicePage(db, account, sel.problem ? null : sel.period, req.user?.id ?? 0);
    return sendPage(
      reply,
      <InvoicePage
        ctx={ctx}
        kind={kind}
        account={account}
        sel={sel}
        queryAccount={q.account}
        done={q.done}
        payee={config}
        {...page}
      />,
    );
  };

  app.get('/cabinet/invoice', pageOptions, (req, reply) => invoicePage('invoice', req, reply, req.query));
  app.get('/cabinet/breakdown', pageOptions, (req, reply) => invoicePage('breakdown', req, reply, req.query));

  app.get('/cabinet/invoice.pdf', pageOptions, async (req, reply) => {
    const q = req.query;
    const account = await customerAccount(db, req, q.account);
    const sel = periodFromQuery(q);
    const pdf = sel.problem ? null : await invoicePdf(db, account, sel.period, req.locale, { payee: config });
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, q.download === '1');
  });

  const emailOptions = { preHandler: requireCustomer, schema: { body: invoiceEmailForm } };
  app.post('/cabinet/invoice/email', emailOptions, async (req, reply) => {
    const account = await customerAccount(db, req, req.body.account || undefined);
    const back = safeNext(req.body.back, '/cabinet/invoice');
    const sel = periodFromQuery({ period: req.body.period });
    const result = await sendInvoiceByEmail(db, {
      userId: req.user?.id ?? 0,
      locale: req.locale,
      ip: req.ip,
      limit: () => emailLimit(req),
      account,
      period: sel.problem ? null : sel.period,
      payee: config,
    });
    return afterSending(reply, back, result);
  });

  const subscriptionOptions = { preHandler: requireCustomer, schema: { body: subscriptionForm } };
  app.post('/cabinet/invoice/subscription', subscriptionOptions, async (req, reply) => {
    const back = safeNext(req.body.back, '/cabinet/invoice');
    const result = await setMailingSubscription(db, req.user?.id ?? 0, req.body.subscribe);
    return reply.redirect(withDone(back, result === 'noEmail' ? 'noemail' : result), 303);
  });
}

/** The settlement page, its PDF and sending it by email. */
function settlementRoutes(app: SchemaApp, deps: AppDeps, emailLimit: EmailLimit) {
  const { db } = deps;
  const pageOptions = { preHandler: requireCustomer, schema: { querystring: settlementPageQuery } };
  app.get('/cabinet/settlement', pageOptions, async (req, reply) => {
    const q = req.query;
    const account = await customerAccount(db, req, q.account);
    const ctx = pageContext(req, reply);
    const range = rangeFromQuery(q);
    const valid = validRange(range);
    // The statement (charges and payments, written by billing and the exchange) may lag; the
    // mail subscription the customer may just have changed is read from the primary.
    const page = await loadSettlementPage(db, account.id, valid, req.user?.id ?? 0, lagTolerantDb(deps));
    return sendPage(
      reply,
      <SettlementPage
        ctx={ctx}
        account={account}
        range={range}
        queryAccount={q.account}
        valid={valid !== null}
        done={q.done}
        {...page}
      />,
    );
  });

  app.get('/cabinet/settlement.pdf', pageOptions, async (req, reply) => {
    const q = req.query;
    const account = await customerAccount(db, req, q.account || undefined);
    const range = validRange(rangeFromQuery(q));
    const pdf = range ? await statementPdf(db, account, range.from, range.to, req.locale) : null;
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, q.download === '1');
  });

  app.get('/cabinet/settlement.csv', pageOptions, async (req, reply) => {
    const q = req.query;
    const account = await customerAccount(db, req, q.account || undefined);
    const range = validRange(rangeFromQuery(q));
    const csv = range ? await statementCsv(db, account, range.from, range.to, req.locale) : null;
    if (!csv) return reply.callNotFound();
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', attachmentHeader(csv.filename))
      .send(csv.text);
  });

  const emailOptions = { preHandler: requireCustomer, schema: { body: settlementEmailForm } };
  app.post('/cabinet/settlement/email', emailOptions, async (req, reply) => {
    const body = req.body;
    const back = safeNext(body.back, '/cabinet/settlement');
    const result = await sendStatementByEmail(db, {
      userId: req.user?.id ?? 0,
      locale: req.locale,
      ip: req.ip,
      limit: () => emailLimit(req),
      account: () => customerAccount(db, req, body.account || undefined),
      range: validRange(rangeFromQuery(body)),
    });
    return afterSending(reply, back, result);
  });
}

/** The anonymous breakdown (SPEC.md 2.2): reached from the account lookup with its signed,
 * expiring token (never the bare account number), personal data masked. */
function anonymousBreakdownRoutes(app: SchemaApp, { db, config }: AppDeps) {
  const anonymousAccount = (token: string | undefined) =>
    accountFromLookupToken(db, config.SESSION_SECRET, token ?? '');
  const options = {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { querystring: anonymousQuery },
  };

  app.get('/breakdown/anonymous', options, async (req, reply) => {
    const q = req.query;
    const ctx = pageContext(req, reply);
    const account = await anonymousAccount(q.token);
    if (!account) return sendPage(reply, <AnonymousExpiredPage ctx={ctx} />, 410);
    const sel = periodFromQuery(q);
    const page = await loadAnonymousBreakdown(db, account, sel.problem ? null : sel.period);
    return sendPage(
      reply,
      <AnonymousBreakdownPage
        ctx={ctx}
        account={account}
        sel={sel}
        token={String(q.token)}
        payee={config}
        {...page}
      />,
    );
  });

  app.get('/breakdown/anonymous.pdf', options, async (req, reply) => {
    const account = await anonymousAccount(req.query.token);
    const sel = periodFromQuery(req.query);
    const pdf =
      account && !sel.problem
        ? await invoicePdf(db, account, sel.period, req.locale, { masked: true, payee: config })
        : null;
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, true);
  });
}

function withDone(back: string, done: string): string {
  const clean = back.replace(/([?&])done=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return `${clean}${clean.includes('?') ? '&' : '?'}done=${done}`;
}
