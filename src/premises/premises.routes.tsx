import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatAddress } from '../accounts/accounts.queries';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { newIdempotencyKey } from '../readings/idempotency-key';
import { keepReadingDraft } from '../readings/keep-reading-draft.service';
import { DRAFT_COOKIE, DRAFT_LIMIT, DRAFT_MS } from '../readings/reading-draft-token';
import { readingsText } from '../readings/readings.messages';
import { largeMessage, problemMessage } from '../readings/readings.views';
import { READINGS_FORM_LIMIT, READINGS_FORM_LIMIT_NAME } from '../readings/readings-form-limit';
import { takeReadingDraft } from '../readings/take-reading-draft.service';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { queryText, withSchemas } from '../web/request-schemas';
import { premisesText } from './premises.messages';
import { type BulkOutcomeView, type BulkPageView, BulkReadingsPage, PremisesPage } from './premises.views';
import { listQueryOf } from './premises-list';
import { bulkReadingsForm, premisesOverview } from './premises-overview.service';
import { type PremisesSubmitResult, submitPremisesReadings } from './submit-premises-readings.service';

/**
 * The bulk form: `key`, a field `m_<meter id>` per meter (what was typed), and `confirm_<meter id>`
 * (the litres of a large consumption the customer confirmed). Other fields (`_csrf`) pass through.
 */
const bulkFields = z.record(z.string(), z.unknown()).transform((fields) => {
  const typed: Record<number, string> = {};
  const confirmedLarge: Record<number, number> = {};
  for (const [name, value] of Object.entries(fields)) {
    const text = typeof value === 'string' ? value : '';
    const meter = /^m_(\d{1,9})$/.exec(name)?.[1];
    if (meter) typed[Number(meter)] = text.slice(0, 40);
    const confirm = /^confirm_(\d{1,9})$/.exec(name)?.[1];
    if (confirm && /^\d{1,9}$/.test(text)) confirmedLarge[Number(confirm)] = Number(text);
  }
  return { key: typeof fields.key === 'string' ? fields.key : '', typed, confirmedLarge };
});
const bulkForm = z.preprocess((body) => body ?? {}, bulkFields);

const BULK_PATH = '/cabinet/premises/readings';

/** The overview's find, sort and page (anything unknown falls back to the default). */
const listQuery = z.object({ find: queryText, sort: queryText, page: queryText });

export async function premisesRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  const listOptions = { preHandler: requireCustomer, schema: { querystring: listQuery } };
  app.get('/cabinet/premises', listOptions, async (req, reply) => {
    const view = await premisesOverview(db, {
      userId: req.user!.id,
      locale: req.locale,
      query: listQueryOf(req.query),
      now: new Date(),
    });
    return sendPage(reply, <PremisesPage ctx={pageContext(req, reply)} view={view} />);
  });

  const draftCookie = {
    path: BULK_PATH,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.PUBLIC_URL.startsWith('https://'),
  };
  app.get(BULK_PATH, { preHandler: requireCustomer }, async (req, reply) => {
    const now = new Date();
    const form = await bulkReadingsForm(db, { userId: req.user!.id, now });
    const t = readingsText[req.locale];
    const draftToken = req.cookies[DRAFT_COOKIE];
    if (draftToken !== undefined) {
      // Back from the login after the form was sent with an expired session: filled in, not sent.
      reply.clearCookie(DRAFT_COOKIE, draftCookie);
      const typed = await takeReadingDraft(db, {
        token: draftToken,
        accountIds: form.accounts.map((a) => a.id),
        meterIds: form.accounts.flatMap((a) => a.meters.map((m) => m.id)),
        now,
      });
      if (typed)
        return bulkPage(req, reply, { ...form, typed, notice: { kind: 'warning', text: t.draftRestored } });
    }
    return bulkPage(req, reply, {
      ...form,
      notice: form.periodOpen ? null : { kind: 'info', text: t.monthClosed },
    });
  });

  // Both counted with the readings page's form: forms kept without a session per client address,
  // forms of a signed-in customer per user.
  const draftLimit = actionLimit(db, 'readings.draft', DRAFT_LIMIT);
  const formLimit = actionLimit(db, READINGS_FORM_LIMIT_NAME, READINGS_FORM_LIMIT);
  const bulkOptions = {
    schema: { body: bulkForm },
    preHandler: customerOrDraft(db, draftLimit, draftCookie),
  };
  app.post(BULK_PATH, bulkOptions, async (req, reply) => {
    const now = new Date();
    const body = req.body;
    const key = body.key || newIdempotencyKey();
    const wait = await formLimit(req);
    if (wait > 0)
      return tooOften(db, req, reply, { wait, typed: body.typed, confirmed: body.confirmedLarge, key, now });
    const result = await submitPremisesReadings(db, {
      userId: req.user!.id,
      typed: body.typed,
      idempotencyKey: key,
      confirmedLarge: body.confirmedLarge,
      confirmThresholdM3: config.READING_CONFIRM_M3,
      maxPerMonth: config.READING_MAX_PER_MONTH,
      now,
    });
    // Read after the submission: the rows stored show as this month's readings.
    const form = await bulkReadingsForm(db, { userId: req.user!.id, now });
    const t = premisesText[req.locale].bulk;
    if (!result.accounts.length && !result.foreign.length) {
      return bulkPage(
        req,
        reply,
        {
          ...form,
          typed: body.typed,
          idempotencyKey: key,
          notice: { kind: 'error', text: readingsText[req.locale].nothingEntered },
        },
        422,
      );
    }
    const shown = afterSubmit(req, result, form.accounts, body.typed);
    const allStored = !shown.outcome.notStored.length && !shown.outcome.foreign;
    return bulkPage(
      req,
      reply,
      {
        ...form,
        ...shown,
        confirmed: body.confirmedLarge,
        idempotencyKey: key,
        notice: allStored ? { kind: 'success', text: t.allStored } : { kind: 'error', text: t.someNotStored },
      },
      allStored ? 200 : 422,
    );
  });
}

/**
 * preHandler of the bulk form: a form sent without a session keeps what was typed and goes to the
 * login page; after the login the form comes back filled in (decision 130). The answer is the same
 * whatever meter ids were sent, kept or not (decision 188).
 */
function customerOrDraft(
  db: AppDeps['db'],
  draftLimit: ReturnType<typeof actionLimit>,
  draftCookie: { path: string; httpOnly: boolean; sameSite: 'lax'; secure: boolean },
) {
  return async (req: FastifyRequest<{ Body: z.output<typeof bulkForm> }>, reply: FastifyReply) => {
    if (req.user) return requireCustomer(req, reply);
    const limited = (await draftLimit(req)) > 0;
    const kept = limited
      ? null
      : await keepReadingDraft(db, { typed: req.body.typed, accounts: 'several', now: new Date() });
    if (kept) reply.setCookie(DRAFT_COOKIE, kept.token, { ...draftCookie, maxAge: DRAFT_MS / 1000 });
    return reply.redirect(`/?expired=${kept ? 'readings' : '1'}&next=${encodeURIComponent(BULK_PATH)}`, 303);
  };
}

/** Past the forms' limit: the form again with what was typed and the wait, 429; nothing checked or stored. */
async function tooOften(
  db: AppDeps['db'],
  req: FastifyRequest,
  reply: FastifyReply,
  sent: {
    wait: number;
    typed: Record<number, string>;
    confirmed: Record<number, number>;
    key: string;
    now: Date;
  },
) {
  reply.header('retry-after', sent.wait);
  const form = await bulkReadingsForm(db, { userId: req.user!.id, now: sent.now });
  const notice = { kind: 'error' as const, text: waitMessage(req.locale, sent.wait) };
  const { typed, confirmed, key } = sent;
  return bulkPage(req, reply, { ...form, typed, confirmed, idempotencyKey: key, notice }, 429);
}

function bulkPage(
  req: FastifyRequest,
  reply: FastifyReply,
  view: Partial<BulkPageView> & Pick<BulkPageView, 'accounts' | 'current' | 'periodOpen'>,
  status = 200,
) {
  const full: BulkPageView = {
    typed: {},
    errors: {},
    large: {},
    confirmed: {},
    idempotencyKey: newIdempotencyKey(),
    notice: null,
    outcome: null,
    ...view,
  };
  return sendPage(reply, <BulkReadingsPage ctx={pageContext(req, reply)} view={full} />, status);
}

/**
 * What the page shows after a submission: per account stored or not (and why), the messages next
 * to the refused rows, and the values typed kept for the accounts not stored (the stored ones now
 * show as this month's readings, their fields empty).
 */
function afterSubmit(
  req: FastifyRequest,
  result: PremisesSubmitResult,
  accounts: {
    number: string;
    street: string;
    house: string;
    prefix: string;
    apartment: string;
    meters: { id: number }[];
  }[],
  typed: Record<number, string>,
): Pick<BulkPageView, 'typed' | 'errors' | 'large'> & { outcome: BulkOutcomeView } {
  const addressOf = (number: string) => {
    const a = accounts.find((x) => x.number === number);
    return a ? formatAddress(a) : '';
  };
  const outcome: BulkOutcomeView = { stored: [], notStored: [], foreign: result.foreign.length > 0 };
  const kept: Record<number, string> = {};
  const errors: Record<number, string> = {};
  const large: BulkPageView['large'] = {};
  for (const o of result.accounts) {
    const address = addressOf(o.accountNumber);
    if (o.kind === 'stored') {
      outcome.stored.push({
        accountNumber: o.accountNumber,
        address,
        count: o.saved.length,
        replay: o.replay,
      });
      continue;
    }
    outcome.notStored.push({ accountNumber: o.accountNumber, address, why: o.kind });
    const meters = accounts.find((a) => a.number === o.accountNumber)?.meters ?? [];
    for (const m of meters) if (typed[m.id] !== undefined) kept[m.id] = typed[m.id]!;
    if (o.kind === 'invalid')
      for (const [id, p] of Object.entries(o.errors)) errors[Number(id)] = problemMessage(req.locale, p);
    if (o.kind === 'confirm')
      for (const l of o.large)
        large[l.meterId] = { message: largeMessage(req.locale, l), valueL: o.values[l.meterId]! };
  }
  for (const id of result.foreign) errors[id] = problemMessage(req.locale, { problem: 'unknownMeter' });
  return { typed: kept, errors, large, outcome };
}
