import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AccountAccessError, customerAccount } from '../accounts/access';
import { apiRateKey, requireScope } from '../api-tokens/api-auth';
import type { AppDeps } from '../app-deps';
import { localDate, monthStart, periodOf, periodOfDay } from '../calendar/calendar';
import type { Locale } from '../db/schema';
import { formatM3, formatMeterReading } from '../money/litres';
import { type SchemaApp, withSchemas } from '../web/request-schemas';
import { isIdempotencyKey } from './idempotency-key';
import { readingsText } from './readings.messages';
import { meterStates, periodStatus } from './readings.queries';
import { accountConsumption } from './readings.routes';
import {
  accountParams,
  confirmAnswer,
  errorAnswer,
  historyAnswer,
  historyQuery,
  invalidAnswer,
  metersAnswer,
  readingJson,
  storedAnswer,
  submitBody,
  submitHeaders,
} from './readings.schemas';
import { largeMessage, problemMessage } from './readings.views';
import { type FieldProblem, type LargeConsumption, submitReadings } from './submit-readings.service';
import { verificationState } from './verification';

const TAGS = ['readings'];

/**
 * Requests to the readings API per signed-in customer (all their API tokens and their session
 * together, decision 188), or per address before signing in, all its routes counted together: an app reads and submits a few times a month; a script looping on the
 * API is answered 429 with Retry-After. Counted in PostgreSQL like the forms' limits.
 */
export const API_RATE_LIMIT = {
  max: 60,
  timeWindow: 10 * 60_000,
  groupId: 'api-v1-readings',
  keyGenerator: (req: FastifyRequest) => apiRateKey(req),
};
const config = { rateLimit: API_RATE_LIMIT };
type Security = Record<string, string[]>[];
// OpenAPI 3.0 lists no scopes for a bearer scheme: the scope an API token needs is in each
// operation's `x-token-scope` (and the bearer scheme's description lists them all).
const SECURITY: Security = [{ session: [] }, { bearer: [] }];
const SECURITY_POST: Security = [{ session: [], csrf: [] }, { bearer: [] }];
const SCOPE = { 'x-token-scope': 'readings:write' };

/**
 * The readings use cases for mobile apps and integrations: the same submitter as the page, the
 * same session cookie with the CSRF header on POST, or an API token with `readings:write`
 * (no CSRF), and 404 for accounts that are not the customer's.
 */
export async function readingsApi(instance: FastifyInstance, deps: AppDeps) {
  const app = withSchemas(instance);
  metersRoute(app, deps);
  historyRoute(app, deps);
  submitRoute(app, deps);
}

/** GET the account's meters with their previous and current readings. */
function metersRoute(app: SchemaApp, { db }: AppDeps) {
  app.get(
    '/api/v1/accounts/:account/meters',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: {
        tags: TAGS,
        summary: "The account's meters with the previous and the current month's reading",
        security: SECURITY,
        ...SCOPE,
        params: accountParams,
        response: {
          200: metersAnswer,
          401: errorAnswer,
          429: errorAnswer,
          404: errorAnswer,
        },
      },
    },
    async (req, reply) => {
      const now = new Date();
      const account = await customerAccount(db, req, req.params.account);
      const period = monthStart(periodOf(now));
      const [meters, status] = await Promise.all([
        meterStates(db, account.id, period),
        periodStatus(db, period),
      ]);
      if (!req.user?.apiToken) reply.header('x-csrf-token', reply.generateCsrf());
      return {
        account: account.number,
        period: periodOfDay(period),
        periodOpen: status !== 'closed',
        meters: meters.map((m) => ({
          id: m.id,
          inputNo: m.inputNo,
          location: m.location,
          water: m.water,
          serial: m.serial,
          verificationDue: m.verificationDue,
          verification: verificationState(m.verificationDue, localDate(now)).kind,
          previous:
            m.prevValueL === null
              ? null
              : {
                  value: formatMeterReading(m.prevValueL),
                  valueL: m.prevValueL,
                  date: m.prevReadOn,
                  source: m.prevSource,
                  status: 'accepted' as const,
                },
          current:
            m.curValueL === null
              ? null
              : {
                  value: formatMeterReading(m.curValueL),
                  valueL: m.curValueL,
                  date: m.curReadOn,
                  source: m.curSource,
                  status: m.curStatus,
                },
        })),
      };
    },
  );
}

/** GET the reading history and the monthly consumption. */
function historyRoute(app: SchemaApp, { db }: AppDeps) {
  app.get(
    '/api/v1/accounts/:account/readings',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: {
        tags: TAGS,
        summary: 'Reading history (every submission, newest first) and monthly consumption',
        security: SECURITY,
        ...SCOPE,
        params: accountParams,
        querystring: historyQuery,
        response: {
          200: historyAnswer,
          401: errorAnswer,
          429: errorAnswer,
          404: errorAnswer,
        },
      },
    },
    async (req, reply) => {
      const { months } = req.query;
      const account = await customerAccount(db, req, req.params.account);
      const c = await accountConsumption(db, account.id, new Date(), months);
      if (!req.user?.apiToken) reply.header('x-csrf-token', reply.generateCsrf());
      return {
        account: account.number,
        from: c.from,
        to: c.to,
        readings: c.readings.map(readingJson),
        consumption: c.months.map((m) => ({
          period: m.period,
          coldM3: m.coldL === null ? null : formatM3(m.coldL),
          hotM3: m.hotL === null ? null : formatM3(m.hotL),
        })),
      };
    },
  );
}

/** POST the month's readings through the same use case as the page. */
function submitRoute(app: SchemaApp, { db, config: settings }: AppDeps) {
  app.post(
    '/api/v1/accounts/:account/readings',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: {
        tags: TAGS,
        summary: "Submit the current month's readings (a correction is a new submission; the newest counts)",
        description:
          'Values are typed as on the meter: "117.5", "117,5", "00117.500" or "117". A reading lower than the previous one is refused (422, problem "lower"), and so is one for a meter that already has the most submissions a month takes (READING_MAX_PER_MONTH, 20 by default; problem "tooMany": further corrections go through an operator). Submitting fewer meters than the account has needs confirmPartial; a monthly consumption above the limit needs confirmLarge and is stored as "flagged" for operator review (409 confirmation_required otherwise). The same idempotencyKey with the same values stores one submission however often it is sent (200 already_stored); the key may come in the Idempotency-Key header instead (8 to 100 characters of A-Z, a-z, 0-9, "-" and "_"), and a header with any other value is refused with 400 invalid_idempotency_key, never replaced; a meter sent with the value it already has this month stores nothing new and is answered with that reading.',
        security: SECURITY_POST,
        ...SCOPE,
        params: accountParams,
        headers: submitHeaders,
        body: submitBody,
        response: {
          200: storedAnswer.describe('Already stored under this idempotency key (nothing new stored)'),
          201: storedAnswer.describe('Stored and committed'),
          400: errorAnswer,
          401: errorAnswer,
          429: errorAnswer,
          403: errorAnswer,
          404: errorAnswer,
          409: confirmAnswer,
          422: invalidAnswer,
        },
      },
    },
    async (req, reply) => {
      const t = readingsText[req.locale];
      const headerKey = idempotencyHeader(req, reply);
      if (headerKey === 'refused') return reply;
      const typed: Record<number, string> = {};
      for (const r of req.body.readings) typed[r.meterId] = r.value;
      const result = await submitReadings(db, {
        accountNumber: req.params.account,
        userId: req.user!.id,
        typed,
        idempotencyKey: req.body.idempotencyKey ?? headerKey,
        confirmPartial: req.body.confirmPartial,
        confirmLarge: req.body.confirmLarge,
        confirmThresholdM3: settings.READING_CONFIRM_M3,
        maxPerMonth: settings.READING_MAX_PER_MONTH,
        now: new Date(),
      });
      switch (result.kind) {
        case 'accepted':
          return reply.status(result.replay ? 200 : 201).send({
            status: result.replay ? 'already_stored' : 'accepted',
            readings: result.saved.map(readingJson),
          });
        case 'noAccount':
          throw new AccountAccessError('no such account for this user');
        case 'nothing':
          return reply.status(422).send({ error: 'nothing_entered', message: t.nothingEntered, fields: [] });
        case 'closed':
          return reply.status(409).send({ error: 'period_closed', message: t.monthClosed, large: [] });
        case 'invalid':
          return reply.status(422).send({
            error: 'invalid',
            message: t.fixErrors,
            fields: fieldAnswers(req.locale, result.errors, typed),
          });
        case 'confirm':
          return reply.status(409).send({
            error: 'confirmation_required',
            message: [
              result.partial ? t.confirm.partial(result.partial.filled, result.partial.total) : '',
              ...result.large.map((l) => largeMessage(req.locale, l)),
            ]
              .filter(Boolean)
              .join(' '),
            partial: result.partial,
            large: result.large.map(largeAnswer),
          });
      }
    },
  );
}

/**
 * The Idempotency-Key header of a submission: its key, '' when the header is absent (the
 * submission gets a key of its own), or 'refused' after answering 400 when it is present with a
 * value that is no key (empty, too long, other characters): a replaced key would store a retry
 * twice without a word.
 */
export function idempotencyHeader(req: FastifyRequest, reply: FastifyReply): string | 'refused' {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return '';
  if (isIdempotencyKey(value)) return value;
  reply
    .status(400)
    .send({ error: 'invalid_idempotency_key', message: readingsText[req.locale].badIdempotencyKey });
  return 'refused';
}

/** The refused fields of a submission, each with what was typed and the message in the request's language. */
export function fieldAnswers(
  locale: Locale,
  errors: Record<number, FieldProblem>,
  typed: Record<number, string>,
): z.output<typeof invalidAnswer>['fields'] {
  return Object.entries(errors).map(([id, p]) => ({
    meterId: Number(id),
    problem: p.problem,
    typed: typed[Number(id)] ?? '',
    message: problemMessage(locale, p),
  }));
}

/** A large consumption waiting for its confirmation, in m³ as the page shows it. */
export function largeAnswer(l: LargeConsumption): z.output<typeof confirmAnswer>['large'][number] {
  return {
    meterId: l.meterId,
    serial: l.serial,
    consumptionM3: formatM3(l.consumptionL),
    limitM3: formatM3(l.limitL),
    usualM3: l.usual ? formatM3(l.usual.medianL) : null,
  };
}
