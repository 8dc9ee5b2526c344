import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { customerAccount } from '../accounts/access';
import { type AccountView, findAccountByNumber } from '../accounts/accounts.queries';
import { verifyLookupToken } from '../accounts/lookup-token';
import type { AppDeps } from '../app-deps';
import { audit } from '../auth/audit';
import { requireCustomer, safeNext } from '../auth/guard';
import { addMonths } from '../billing/period';
import { statementRangeProblem } from '../billing/statement';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { invoiceDocument, statementDocument } from './document-model';
import {
  invoicePdf,
  mailDocument,
  setInvoiceSubscription,
  statementPdf,
  userMailState,
} from './documents.service';
import { documentsText } from './documents.text';
import { InvoiceView, PeriodSelector, PostButton, RangeSelector, StatementView } from './documents.views';
import { firstAccountYear } from './invoice.queries';
import { defaultPeriod, invoiceLoader, periodFromQuery, statementLoader } from './invoice.service';

type Query = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

async function yearsFor(db: DB, accountId: number): Promise<number[]> {
  const last = Number(defaultPeriod().slice(0, 4));
  const first = Math.min((await firstAccountYear(db, accountId)) ?? last, last);
  return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

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

export async function documentsRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  // "Send to email" puts a PDF into the outbox: a few per user and per address an hour.
  const emailLimit = actionLimit(db, 'documents.email', {
    perUser: 5,
    perClient: 20,
    timeWindowMs: 3600_000,
  });
  /** A notice for ?done=wait-SECONDS: when the user may send again. */
  const waitNotice = (locale: Locale, done: string | undefined) =>
    done?.startsWith('wait-') ? (
      <Notice kind="error">{waitMessage(locale, Number(done.slice(5)) || 60)}</Notice>
    ) : null;
  const invoicePage = (kind: 'invoice' | 'breakdown') => async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    const account = await customerAccount(db, req, str(q.account));
    const ctx = pageContext(req, reply);
    const t = documentsText[ctx.locale];
    const sel = periodFromQuery(q);
    const [invoice, years, mailState] = await Promise.all([
      sel.problem ? null : invoiceLoader(db, account, sel.period),
      yearsFor(db, account.id),
      userMailState(db, req.user?.id ?? 0),
    ]);
    const path = kind === 'invoice' ? '/cabinet/invoice' : '/cabinet/breakdown';
    const here = `${path}?period=${sel.period}${q.account ? `&account=${encodeURIComponent(String(q.account))}` : ''}`;
    const pdfQuery = `period=${sel.period}&account=${account.number}`;
    const done = str(q.done);
    return sendPage(
      reply,
      <Layout
        ctx={ctx}
        title={kind === 'invoice' ? t.invoiceTitle : t.breakdownTitle}
        cabinet
        scripts={['/static/month-picker.js']}
      >
        {done === 'sent' ? <Notice kind="success">{t.sent(mailState?.email ?? '')}</Notice> : null}
        {done === 'subscribed' ? <Notice kind="success">{t.subscribed}</Notice> : null}
        {done === 'unsubscribed' ? <Notice kind="success">{t.unsubscribed}</Notice> : null}
        {done === 'noemail' ? <Notice kind="error">{t.noEmail}</Notice> : null}
        {waitNotice(ctx.locale, done)}
        <PeriodSelector
          locale={ctx.locale}
          action={path}
          month={sel.month}
          year={sel.year}
          years={years}
          error={
            sel.problem === 'invalid' ? t.periodInvalid : sel.problem === 'future' ? t.periodFuture : null
          }
          hidden={q.account ? { account: account.number } : {}}
        />
        {invoice ? (
          <InvoiceView doc={invoiceDocument(ctx.locale, account, invoice)}>
            <div class="actions doc-actions">
              <a class="button primary" href={`/cabinet/invoice.pdf?${pdfQuery}&download=1`}>
                {t.download}
              </a>
              <a class="button" href={`/cabinet/invoice.pdf?${pdfQuery}`}>
                {t.openPdf}
              </a>
              <PostButton
                action="/cabinet/invoice/email"
                csrfToken={ctx.csrfToken}
                label={t.sendEmail}
                fields={{ period: sel.period, account: account.number, back: here }}
              />
              <PostButton
                action="/cabinet/invoice/subscription"
                csrfToken={ctx.csrfToken}
                label={mailState?.subscribe_invoices ? t.unsubscribe : t.subscribe}
                fields={{ subscribe: mailState?.subscribe_invoices ? '0' : '1', back: here }}
              />
            </div>
          </InvoiceView>
        ) : sel.problem ? null : (
          <Notice kind="info">{t.noData}</Notice>
        )}
      </Layout>,
    );
  };

  app.get('/cabinet/invoice', { preHandler: requireCustomer }, invoicePage('invoice'));
  app.get('/cabinet/breakdown', { preHandler: requireCustomer }, invoicePage('breakdown'));

  app.get('/cabinet/invoice.pdf', { preHandler: requireCustomer }, async (req, reply) => {
    const q = req.query as Query;
    const account = await customerAccount(db, req, str(q.account));
    const sel = periodFromQuery(q);
    const pdf = sel.problem ? null : await invoicePdf(db, account, sel.period, req.locale);
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, q.download === '1');
  });

  app.post('/cabinet/invoice/email', { preHandler: requireCustomer }, async (req, reply) => {
    const account = await customerAccount(db, req, field(req.body, 'account') || undefined);
    const back = safeNext(field(req.body, 'back'), '/cabinet/invoice');
    const sel = periodFromQuery({ period: field(req.body, 'period') });
    const state = await userMailState(db, req.user?.id ?? 0);
    if (!state?.email) return reply.redirect(withDone(back, 'noemail'), 303);
    const pdf = sel.problem ? null : await invoicePdf(db, account, sel.period, req.locale);
    if (!pdf) return reply.callNotFound();
    const wait = await emailLimit(req);
    const log = { actorUserId: req.user?.id ?? null, subject: account.number, ip: req.ip };
    if (wait) {
      await audit(db, { ...log, action: 'documents.email.limited', details: { invoice: sel.period, wait } });
      return reply.redirect(withDone(back, `wait-${wait}`), 303);
    }
    await mailDocument(db, state.email, req.locale, pdf, { invoice: sel.period });
    await audit(db, { ...log, action: 'documents.email.invoice', details: { period: sel.period } });
    return reply.redirect(withDone(back, 'sent'), 303);
  });

  app.post('/cabinet/invoice/subscription', { preHandler: requireCustomer }, async (req, reply) => {
    const back = safeNext(field(req.body, 'back'), '/cabinet/invoice');
    const subscribe = field(req.body, 'subscribe') === '1';
    const state = await userMailState(db, req.user?.id ?? 0);
    if (subscribe && !state?.email) return reply.redirect(withDone(back, 'noemail'), 303);
    await setInvoiceSubscription(db, req.user?.id ?? 0, subscribe);
    return reply.redirect(withDone(back, subscribe ? 'subscribed' : 'unsubscribed'), 303);
  });

  app.get('/cabinet/settlement', { preHandler: requireCustomer }, async (req, reply) => {
    const q = req.query as Query;
    const account = await customerAccount(db, req, str(q.account));
    const ctx = pageContext(req, reply);
    const t = documentsText[ctx.locale];
    const range = rangeFromQuery(q);
    const valid = !range.from.problem && !range.to.problem && !range.rangeProblem;
    const [statement, years, mailState] = await Promise.all([
      valid ? statementLoader(db, account.id, range.from.period, range.to.period) : null,
      yearsFor(db, account.id),
      userMailState(db, req.user?.id ?? 0),
    ]);
    const problemText = (p: string | null) =>
      p === 'invalid' ? t.periodInvalid : p === 'future' ? t.periodFuture : null;
    const rangeQuery = `from_period=${range.from.period}&to_period=${range.to.period}&account=${account.number}`;
    const here = `/cabinet/settlement?${rangeQuery}`;
    const done = str(q.done);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.settlementTitle} cabinet scripts={['/static/month-picker.js']}>
        {done === 'sent' ? <Notice kind="success">{t.sent(mailState?.email ?? '')}</Notice> : null}
        {done === 'noemail' ? <Notice kind="error">{t.noEmail}</Notice> : null}
        {waitNotice(ctx.locale, done)}
        <RangeSelector
          locale={ctx.locale}
          action="/cabinet/settlement"
          from={range.from}
          to={range.to}
          years={years}
          fromError={problemText(range.from.problem)}
          toError={
            problemText(range.to.problem) ??
            (range.rangeProblem === 'too_long'
              ? t.rangeTooLong
              : range.rangeProblem === 'order'
                ? t.rangeOrder
                : null)
          }
        />
        {statement ? (
          <>
            <StatementView doc={statementDocument(ctx.locale, account, statement)} />
            <div class="actions doc-actions">
              <a class="button primary" href={`/cabinet/settlement.pdf?${rangeQuery}`}>
                {t.openPdf}
              </a>
              <PostButton
                action="/cabinet/settlement/email"
                csrfToken={ctx.csrfToken}
                label={t.sendEmail}
                fields={{
                  from_period: range.from.period,
                  to_period: range.to.period,
                  account: account.number,
                  back: here,
                }}
              />
            </div>
          </>
        ) : valid ? (
          <Notice kind="info">{t.noDataRange}</Notice>
        ) : null}
      </Layout>,
    );
  });

  const statementFromRequest = async (req: FastifyRequest, source: Query) => {
    const account = await customerAccount(db, req, str(source.account) || undefined);
    const range = rangeFromQuery(source);
    if (range.from.problem || range.to.problem || range.rangeProblem) return null;
    return statementPdf(db, account, range.from.period, range.to.period, req.locale);
  };

  app.get('/cabinet/settlement.pdf', { preHandler: requireCustomer }, async (req, reply) => {
    const q = req.query as Query;
    const pdf = await statementFromRequest(req, q);
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, q.download === '1');
  });

  app.post('/cabinet/settlement/email', { preHandler: requireCustomer }, async (req, reply) => {
    const body = (req.body ?? {}) as Query;
    const back = safeNext(field(body, 'back'), '/cabinet/settlement');
    const state = await userMailState(db, req.user?.id ?? 0);
    if (!state?.email) return reply.redirect(withDone(back, 'noemail'), 303);
    const pdf = await statementFromRequest(req, body);
    if (!pdf) return reply.callNotFound();
    const wait = await emailLimit(req);
    const log = { actorUserId: req.user?.id ?? null, subject: pdf.filename, ip: req.ip };
    if (wait) {
      await audit(db, { ...log, action: 'documents.email.limited', details: { statement: true, wait } });
      return reply.redirect(withDone(back, `wait-${wait}`), 303);
    }
    await mailDocument(db, state.email, req.locale, pdf, { statement: true });
    await audit(db, { ...log, action: 'documents.email.statement' });
    return reply.redirect(withDone(back, 'sent'), 303);
  });

  // The anonymous breakdown (SPEC.md 2.2): reached from the account lookup with its signed,
  // expiring token (never the bare account number), personal data masked.
  const anonymousAccount = async (req: FastifyRequest): Promise<AccountView | null> => {
    const number = verifyLookupToken(config.SESSION_SECRET, str((req.query as Query).token) ?? '');
    return number === null ? null : ((await findAccountByNumber(db, number)) ?? null);
  };
  const anonymousLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  app.get('/breakdown/anonymous', { config: anonymousLimit }, async (req, reply) => {
    const q = req.query as Query;
    const ctx = pageContext(req, reply);
    const t = documentsText[ctx.locale];
    const account = await anonymousAccount(req);
    if (!account) {
      return sendPage(
        reply,
        <Layout ctx={ctx} title={t.anonymousTitle}>
          <Notice kind="error">{t.anonymousExpired}</Notice>
          <p>
            <a class="button" href="/lookup">
              {t.findAgain}
            </a>
          </p>
        </Layout>,
        410,
      );
    }
    const sel = periodFromQuery(q);
    const [invoice, years] = await Promise.all([
      sel.problem ? null : invoiceLoader(db, account, sel.period),
      yearsFor(db, account.id),
    ]);
    const token = String(q.token);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.anonymousTitle} scripts={['/static/month-picker.js']}>
        <p class="hint">{t.maskedNote}</p>
        <PeriodSelector
          locale={ctx.locale}
          action="/breakdown/anonymous"
          month={sel.month}
          year={sel.year}
          years={years}
          error={
            sel.problem === 'invalid' ? t.periodInvalid : sel.problem === 'future' ? t.periodFuture : null
          }
          hidden={{ token }}
        />
        {invoice ? (
          <InvoiceView doc={invoiceDocument(ctx.locale, account, invoice, { masked: true })}>
            <div class="actions doc-actions">
              <a
                class="button"
                href={`/breakdown/anonymous.pdf?token=${encodeURIComponent(token)}&period=${sel.period}`}
              >
                {t.download}
              </a>
            </div>
          </InvoiceView>
        ) : sel.problem ? null : (
          <Notice kind="info">{t.noData}</Notice>
        )}
      </Layout>,
    );
  });

  app.get('/breakdown/anonymous.pdf', { config: anonymousLimit }, async (req, reply) => {
    const account = await anonymousAccount(req);
    const sel = periodFromQuery(req.query as Query);
    const pdf =
      account && !sel.problem
        ? await invoicePdf(db, account, sel.period, req.locale, { masked: true })
        : null;
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf, true);
  });
}

function withDone(back: string, done: string): string {
  const clean = back.replace(/([?&])done=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return `${clean}${clean.includes('?') ? '&' : '?'}done=${done}`;
}
