import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AccountAccessError, customerAccount } from '../accounts/access';
import type { AccountView } from '../accounts/accounts.queries';
import { type AppDeps, lagTolerantDb } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { addMonths, localDate, monthStart, periodOf } from '../calendar/calendar';
import type { DB } from '../db/database';
import { billingDataAsOf } from '../exchange/data-as-of';
import type { Locale } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { attachmentHeader } from '../web/csv';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { monthlyConsumption } from './consumption';
import { consumptionChartSvg } from './consumption-chart';
import { countingReadingsSince } from './counting-reading.queries';
import { readingHistoryCsv } from './history-csv';
import { newIdempotencyKey } from './idempotency-key';
import { keepReadingDraft } from './keep-reading-draft.service';
import { parseTyped } from './parse';
import { DRAFT_COOKIE, DRAFT_LIMIT, DRAFT_MS } from './reading-draft-token';
import { readingsText } from './readings.messages';
import {
  countingReadingBefore,
  meterStates,
  metersOfAccount,
  periodStatus,
  readingHistory,
} from './readings.queries';
import { readingsForm, readingsPageQuery } from './readings.schemas';
import {
  ConfirmPage,
  HistoryPage,
  problemMessage,
  ReadingsPage,
  type ReadingsPageView,
} from './readings.views';
import { READINGS_FORM_LIMIT, READINGS_FORM_LIMIT_NAME } from './readings-form-limit';
import { type SubmitResult, submitReadings } from './submit-readings.service';
import { takeReadingDraft } from './take-reading-draft.service';

const accountQueryOf = (query: { account?: string | undefined }) =>
  query.account ? `?account=${encodeURIComponent(query.account)}` : '';

/** The months `months` back from the current one, ending with it. */
function monthsUpToNow(now: Date, months: number) {
  const to = periodOf(now);
  return { from: addMonths(to, -(months - 1)), to };
}

/**
 * The monthly consumption of the `months` months ending with the current one, from the readings
 * that count, as billed, and the account's meters (removed ones included): what the chart shows.
 */
export async function consumptionMonths(db: DB, accountId: number, now: Date, months: number) {
  const { from, to } = monthsUpToNow(now, months);
  const [meters, counted, baseline] = await Promise.all([
    metersOfAccount(db, accountId),
    countingReadingsSince(db, accountId, monthStart(from)),
    countingReadingBefore(db, accountId, monthStart(from)),
  ]);
  const consumption = monthlyConsumption(
    meters,
    counted.map((r) => ({ ...r, status: 'accepted' as const })),
    baseline,
    from,
    to,
  );
  return { from, to, meters, months: consumption };
}

/** The consumption chart's months and, for the history's table, every reading of those months. */
export async function accountConsumption(db: DB, accountId: number, now: Date, months: number) {
  const [chart, readings] = await Promise.all([
    consumptionMonths(db, accountId, now, months),
    readingHistory(db, accountId, monthStart(monthsUpToNow(now, months).from)),
  ]);
  return { ...chart, readings };
}

/** The readings page of an account: its meters, the month's state and the 12-month chart. */
async function pageView(
  db: DB,
  account: AccountView,
  accountQuery: string,
  now: Date,
  locale: Locale,
  extra: Partial<ReadingsPageView> = {},
): Promise<ReadingsPageView> {
  const period = monthStart(periodOf(now));
  const [meters, status, dataAsOf, chart] = await Promise.all([
    meterStates(db, account.id, period),
    periodStatus(db, period),
    billingDataAsOf(db),
    consumptionMonths(db, account.id, now, 12),
  ]);
  const anyUse = chart.months.some((m) => m.coldL !== null || m.hotL !== null);
  return {
    account,
    accountQuery,
    meters,
    typed: {},
    errors: {},
    notice: null,
    idempotencyKey: newIdempotencyKey(),
    period,
    periodOpen: status !== 'closed',
    today: localDate(now),
    dataAsOf,
    chartSvg: anyUse ? consumptionChartSvg(locale, chart.months, { id: 'consumption-12' }) : null,
    ...extra,
  };
}

const zodApp = (instance: FastifyInstance) => instance.withTypeProvider<ZodTypeProvider>();
type ZodApp = ReturnType<typeof zodApp>;
const pageSchema = { querystring: readingsPageQuery };
const formSchema = { querystring: readingsPageQuery, body: readingsForm };

const draftCookieOf = (deps: AppDeps) => ({
  path: '/cabinet/readings',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: deps.config.PUBLIC_URL.startsWith('https://'),
});
type DraftCookie = ReturnType<typeof draftCookieOf>;
type DraftLimit = ReturnType<typeof actionLimit>;

/**
 * preHandler of the form: a form sent without a session (it expired while the page was open)
 * keeps what was typed for its account (keepReadingDraft) and goes to the login page, which says
 * the session expired; after the login the form comes back filled in. The CSRF check has passed
 * (before the form's validation), so the values come from this site's form in this browser. The
 * answer is the same whatever meter ids were sent, kept or not (decision 188).
 */
async function customerOrDraft(
  db: DB,
  draftCookie: DraftCookie,
  draftLimit: DraftLimit,
  req: FastifyRequest,
  reply: FastifyReply,
  query: { account?: string | undefined },
  typed: Record<number, string>,
) {
  if (req.user) return requireCustomer(req, reply);
  const accountNumber = query.account || undefined;
  const limited = (await draftLimit(req)) > 0;
  const kept = limited ? null : await keepReadingDraft(db, { typed, accountNumber, now: new Date() });
  if (kept) reply.setCookie(DRAFT_COOKIE, kept.token, { ...draftCookie, maxAge: DRAFT_MS / 1000 });
  const next = `/cabinet/readings${accountQueryOf(query)}`;
  return reply.redirect(`/?expired=${kept ? 'readings' : '1'}&next=${encodeURIComponent(next)}`, 303);
}

/** The readings page: restores a kept draft, says what was just accepted or that the month is closed. */
function readingsPageRoute(app: ZodApp, db: DB, draftCookie: DraftCookie) {
  app.get('/cabinet/readings', { preHandler: requireCustomer, schema: pageSchema }, async (req, reply) => {
    const now = new Date();
    const account = await customerAccount(db, req, req.query.account);
    const t = readingsText[req.locale];
    let view = await pageView(db, account, accountQueryOf(req.query), now, req.locale);
    const draftToken = req.cookies[DRAFT_COOKIE];
    if (draftToken !== undefined) {
      // Back from the login after the form was sent with an expired session: filled in, not sent.
      reply.clearCookie(DRAFT_COOKIE, draftCookie);
      const meterIds = view.meters.map((m) => m.id);
      const typed = await takeReadingDraft(db, {
        token: draftToken,
        accountIds: [account.id],
        meterIds,
        now,
      });
      if (typed) view = { ...view, typed, notice: { kind: 'warning', text: [t.draftRestored] } };
    }
    const done = Number(req.query.done);
    if (Number.isInteger(done) && done > 0) {
      view.notice = {
        kind: 'success',
        text: req.query.flagged === '1' ? [t.accepted(done), t.acceptedFlagged] : [t.accepted(done)],
      };
    }
    if (!view.periodOpen) view.notice = { kind: 'info', text: [t.monthClosed] };
    return sendPage(reply, <ReadingsPage ctx={pageContext(req, reply)} view={view} />);
  });
}

/** The page asking to confirm a partial or unusually large submission before it is saved. */
async function sendConfirmPage(
  db: DB,
  req: FastifyRequest,
  reply: FastifyReply,
  form: { accountNumber: string | undefined; typed: Record<number, string>; key: string; now: Date },
  confirm: Pick<Extract<SubmitResult, { kind: 'confirm' }>, 'values'> &
    Partial<Pick<Extract<SubmitResult, { kind: 'confirm' }>, 'partial' | 'large'>> & { notice?: string },
  status = 200,
) {
  const account = await customerAccount(db, req, form.accountNumber);
  const meters = await meterStates(db, account.id, monthStart(periodOf(form.now)));
  // Sent again after the limit: the values are not checked, but a partial form is still said so.
  const filled = meters.filter((m) => confirm.values[m.id] !== undefined).length;
  const partial =
    confirm.partial !== undefined
      ? confirm.partial
      : filled < meters.length
        ? { filled, total: meters.length }
        : null;
  return sendPage(
    reply,
    <ConfirmPage
      ctx={pageContext(req, reply)}
      view={{
        account,
        accountQuery: accountQueryOf({ account: form.accountNumber }),
        meters,
        typed: form.typed,
        values: confirm.values,
        partial,
        large: confirm.large ?? [],
        idempotencyKey: form.key || newIdempotencyKey(),
        notice: confirm.notice,
      }}
    />,
    status,
  );
}

/** The readings form: cancel, submit, or the answers of a submission that was not stored. */
function readingsFormRoute(app: ZodApp, deps: AppDeps, draftCookie: DraftCookie) {
  const { db, config } = deps;
  const draftLimit = actionLimit(db, 'readings.draft', DRAFT_LIMIT);
  const formLimit = actionLimit(db, READINGS_FORM_LIMIT_NAME, READINGS_FORM_LIMIT);
  app.post(
    '/cabinet/readings',
    {
      schema: formSchema,
      preHandler: (req, reply) =>
        customerOrDraft(db, draftCookie, draftLimit, req, reply, req.query, req.body.typed),
    },
    async (req, reply) => {
      const now = new Date();
      const accountQuery = accountQueryOf(req.query);
      const t = readingsText[req.locale];
      const { typed, key } = req.body;

      const rerender = async (extra: Partial<ReadingsPageView>, status: number): Promise<FastifyReply> => {
        const account = await customerAccount(db, req, req.query.account);
        const view = await pageView(db, account, accountQuery, now, req.locale, {
          typed,
          idempotencyKey: key || newIdempotencyKey(),
          ...extra,
        });
        return sendPage(reply, <ReadingsPage ctx={pageContext(req, reply)} view={view} />, status);
      };

      if (req.body.action === 'cancel') {
        return rerender({ notice: { kind: 'info', text: [t.cancelled] } }, 200);
      }
      const wait = await formLimit(req);
      if (wait > 0) {
        reply.header('retry-after', wait);
        const notice = waitMessage(req.locale, wait);
        // A confirmation sent too often comes back as the confirmation step, so after the wait the
        // customer confirms once more instead of typing and confirming the whole form again.
        if (req.body.action === 'confirm') {
          const form = { accountNumber: req.query.account, typed, key, now };
          return sendConfirmPage(db, req, reply, form, { values: parseTyped(typed).values, notice }, 429);
        }
        return rerender({ notice: { kind: 'error', text: [notice] } }, 429);
      }

      const result = await submitReadings(db, {
        accountNumber: req.query.account,
        userId: req.user!.id,
        typed,
        idempotencyKey: key,
        confirmPartial: req.body.confirmPartial,
        confirmLarge: req.body.confirmLarge,
        confirmThresholdM3: config.READING_CONFIRM_M3,
        maxPerMonth: config.READING_MAX_PER_MONTH,
        now,
      });
      switch (result.kind) {
        case 'accepted': {
          const flagged = result.saved.some((r) => r.status === 'flagged');
          const sep = accountQuery ? '&' : '?';
          return reply.redirect(
            `/cabinet/readings${accountQuery}${sep}done=${result.saved.length}${flagged ? '&flagged=1' : ''}`,
            303,
          );
        }
        case 'nothing':
          return rerender({ notice: { kind: 'error', text: [t.nothingEntered] } }, 422);
        case 'closed':
          return rerender({ notice: { kind: 'error', text: [t.monthClosed] } }, 409);
        case 'invalid': {
          const errors: Record<number, string> = {};
          for (const [id, p] of Object.entries(result.errors))
            errors[Number(id)] = problemMessage(req.locale, p);
          return rerender({ errors }, 422);
        }
        case 'noAccount':
          throw new AccountAccessError('no such account for this user');
        case 'confirm':
          return sendConfirmPage(
            db,
            req,
            reply,
            { accountNumber: req.query.account, typed, key, now },
            result,
          );
      }
    },
  );
}

/** The 36-month history, as a page and as CSV. */
function historyRoutes(app: ZodApp, deps: AppDeps) {
  // The 36-month history may lag behind the primary (decision 127): the page a submission
  // redirects to (/cabinet/readings) reads the primary and shows what was just accepted.
  const { db } = deps;
  const historyDb = lagTolerantDb(deps);
  app.get(
    '/cabinet/readings/history',
    { preHandler: requireCustomer, schema: pageSchema },
    async (req, reply) => {
      const now = new Date();
      const account = await customerAccount(db, req, req.query.account);
      const c = await accountConsumption(historyDb, account.id, now, 36);
      return sendPage(
        reply,
        <HistoryPage
          ctx={pageContext(req, reply)}
          view={{
            account,
            accountQuery: accountQueryOf(req.query),
            meters: c.meters,
            readings: c.readings,
            chartSvg: consumptionChartSvg(req.locale, c.months, { id: 'consumption-36' }),
            from: c.from,
            to: c.to,
          }}
        />,
      );
    },
  );

  app.get(
    '/cabinet/readings/history.csv',
    { preHandler: requireCustomer, schema: pageSchema },
    async (req, reply) => {
      const account = await customerAccount(db, req, req.query.account);
      const c = await accountConsumption(historyDb, account.id, new Date(), 36);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', attachmentHeader(`readings-${account.number}-${c.from}-${c.to}.csv`))
        .send(readingHistoryCsv(req.locale, c.meters, c.readings));
    },
  );
}

export async function readingsRoutes(instance: FastifyInstance, deps: AppDeps) {
  const app = zodApp(instance);
  const draftCookie = draftCookieOf(deps);
  readingsPageRoute(app, deps.db, draftCookie);
  readingsFormRoute(app, deps, draftCookie);
  historyRoutes(app, deps);
}
