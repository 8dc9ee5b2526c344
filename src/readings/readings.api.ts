import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccountAccessError, customerAccount } from '../accounts/access';
import { apiRateKey, requireScope } from '../api-tokens/api-auth';
import type { AppDeps } from '../app-deps';
import { localDate, monthStart, periodOf, periodOfDay } from '../calendar/calendar';
import { READING_SOURCES, READING_STATUSES, WATERS } from '../db/schema';
import { common } from '../i18n/common';
import { formatM3, formatMeterReading } from '../money/litres';
import { positiveInt } from '../web/forms';
import { readingsText } from './readings.messages';
import { meterStates, periodStatus, type StoredReading } from './readings.queries';
import { accountConsumption } from './readings.routes';
import { largeMessage, problemMessage } from './readings.views';
import { submitReadings } from './submit-readings.service';
import { verificationState } from './verification';

const TAGS = ['readings'];

/**
 * Requests to the readings API per API token, per signed-in customer (session), or per address
 * before signing in, all its routes counted together: an app reads and submits a few times a month; a script looping on the
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

const errorSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    detail: {
      type: 'string',
      description: 'For 400: what could not be read (JSON syntax, a field against the schema)',
    },
  },
} as const;

const readingSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    meterId: { type: 'integer' },
    period: { type: 'string', description: 'YYYY-MM' },
    value: { type: 'string', description: 'as the meter shows it, 00117.500' },
    valueL: { type: 'integer', description: 'litres' },
    readOn: { type: 'string', format: 'date' },
    source: { type: 'string', enum: [...READING_SOURCES] },
    status: { type: 'string', enum: [...READING_STATUSES] },
    submittedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const snapshotSchema = {
  type: ['object', 'null'],
  properties: {
    value: { type: 'string' },
    valueL: { type: 'integer' },
    date: { type: 'string', format: 'date' },
    source: { type: 'string' },
    status: { type: 'string' },
  },
} as const;

const accountParams = {
  type: 'object',
  required: ['account'],
  properties: { account: { type: 'string', description: 'personal account number' } },
} as const;

const toJson = (r: StoredReading) => ({
  id: r.id,
  meterId: r.meterId,
  period: periodOfDay(r.period),
  value: formatMeterReading(r.valueL),
  valueL: r.valueL,
  readOn: r.readOn,
  source: r.source,
  status: r.status,
  submittedAt: r.submittedAt.toISOString(),
});

interface SubmitBody {
  readings: { meterId: number; value: string }[];
  idempotencyKey?: string;
  confirmPartial?: boolean;
  confirmLarge?: boolean;
}

const METERS_SCHEMA = {
  tags: TAGS,
  summary: "The account's meters with the previous and the current month's reading",
  security: SECURITY,
  ...SCOPE,
  params: accountParams,
  response: {
    200: {
      type: 'object',
      properties: {
        account: { type: 'string' },
        period: { type: 'string', description: 'current month, YYYY-MM' },
        periodOpen: { type: 'boolean' },
        meters: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              inputNo: { type: 'integer' },
              location: { type: 'string' },
              water: { type: 'string', enum: [...WATERS] },
              serial: { type: 'string' },
              verificationDue: { type: ['string', 'null'], format: 'date' },
              verification: {
                type: 'string',
                enum: ['ok', 'soon', 'overdue', 'unknown'],
                description: 'overdue: readings are not billed (norm) until a new verification is recorded',
              },
              previous: snapshotSchema,
              current: snapshotSchema,
            },
          },
        },
      },
    },
    401: errorSchema,
    429: errorSchema,
    404: errorSchema,
  },
};

const HISTORY_SCHEMA = {
  tags: TAGS,
  summary: 'Reading history (every submission, newest first) and monthly consumption',
  security: SECURITY,
  ...SCOPE,
  params: accountParams,
  querystring: {
    type: 'object',
    properties: { months: { type: 'integer', minimum: 1, maximum: 36, default: 36 } },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        account: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        readings: { type: 'array', items: readingSchema },
        consumption: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              period: { type: 'string' },
              coldM3: { type: ['string', 'null'] },
              hotM3: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    401: errorSchema,
    429: errorSchema,
    404: errorSchema,
  },
};

const SUBMIT_SCHEMA = {
  tags: TAGS,
  summary: "Submit the current month's readings (a correction is a new submission; the newest counts)",
  description:
    'Values are typed as on the meter: "117.5", "117,5", "00117.500" or "117". A reading lower than the previous one is refused (422, problem "lower"), and so is one for a meter that already has the most submissions a month takes (READING_MAX_PER_MONTH, 20 by default; problem "tooMany": further corrections go through an operator). Submitting fewer meters than the account has needs confirmPartial; a monthly consumption above the limit needs confirmLarge and is stored as "flagged" for operator review (409 confirmation_required otherwise). The same idempotencyKey with the same values stores one submission however often it is sent (200 already_stored); a meter sent with the value it already has this month stores nothing new and is answered with that reading.',
  security: SECURITY_POST,
  ...SCOPE,
  params: accountParams,
  body: {
    type: 'object',
    required: ['readings'],
    properties: {
      readings: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: {
          type: 'object',
          required: ['meterId', 'value'],
          properties: {
            meterId: { type: 'integer', minimum: 1, maximum: 2147483647 },
            value: { type: 'string', maxLength: 30 },
          },
        },
      },
      idempotencyKey: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,100}$' },
      confirmPartial: { type: 'boolean', default: false },
      confirmLarge: { type: 'boolean', default: false },
    },
  },
  response: {
    200: {
      description: 'Already stored under this idempotency key (nothing new stored)',
      type: 'object',
      properties: { status: { type: 'string' }, readings: { type: 'array', items: readingSchema } },
    },
    201: {
      description: 'Stored and committed',
      type: 'object',
      properties: { status: { type: 'string' }, readings: { type: 'array', items: readingSchema } },
    },
    400: errorSchema,
    401: errorSchema,
    429: errorSchema,
    403: errorSchema,
    404: errorSchema,
    409: {
      type: 'object',
      properties: {
        error: { type: 'string', enum: ['confirmation_required', 'period_closed'] },
        message: { type: 'string' },
        partial: {
          type: ['object', 'null'],
          properties: { filled: { type: 'integer' }, total: { type: 'integer' } },
        },
        large: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              meterId: { type: 'integer' },
              serial: { type: 'string' },
              consumptionM3: { type: 'string' },
              limitM3: { type: 'string' },
              usualM3: {
                type: ['string', 'null'],
                description:
                  "The meter's usual month (median of its last billed months) when the limit is three times it; null when the fixed threshold applies.",
              },
            },
          },
        },
      },
    },
    422: {
      type: 'object',
      properties: {
        error: { type: 'string' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              meterId: { type: 'integer' },
              problem: {
                type: 'string',
                description:
                  'empty, tooManyDigits, tooManyDecimals, sign, notNumber (the typed text), lower (below the previous reading), tooMany (the month has had its most submissions), unknownMeter',
              },
              typed: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/**
 * The readings use cases for mobile apps and integrations: the same submitter as the page, the
 * same session cookie with the CSRF header on POST, or an API token with `readings:write`
 * (no CSRF), and 404 for accounts that are not the customer's.
 */
export async function readingsApi(app: FastifyInstance, deps: AppDeps) {
  metersRoute(app, deps);
  historyRoute(app, deps);
  submitRoute(app, deps);
}

/** GET the account's meters with their previous and current readings. */
function metersRoute(app: FastifyInstance, { db }: AppDeps) {
  app.get<{ Params: { account: string } }>(
    '/api/v1/accounts/:account/meters',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: METERS_SCHEMA,
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
                  status: 'accepted',
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
function historyRoute(app: FastifyInstance, { db }: AppDeps) {
  app.get<{ Params: { account: string }; Querystring: { months?: number } }>(
    '/api/v1/accounts/:account/readings',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: HISTORY_SCHEMA,
    },
    async (req, reply) => {
      const months = req.query.months === undefined ? 36 : positiveInt(req.query.months, 36);
      if (months === null) {
        const message = common[req.locale].errors.badRequest;
        return reply
          .status(400)
          .send({ error: 'invalid', message, detail: 'months: a whole number from 1 to 36' });
      }
      const account = await customerAccount(db, req, req.params.account);
      const c = await accountConsumption(db, account.id, new Date(), months);
      if (!req.user?.apiToken) reply.header('x-csrf-token', reply.generateCsrf());
      return {
        account: account.number,
        from: c.from,
        to: c.to,
        readings: c.readings.map(toJson),
        consumption: c.months.map((m) => ({
          period: m.period,
          coldM3: m.coldL === null ? null : formatM3(m.coldL),
          hotM3: m.hotL === null ? null : formatM3(m.hotL),
        })),
      };
    },
  );
}

/** POST the current month's readings. */
function submitRoute(app: FastifyInstance, { db, config: settings }: AppDeps) {
  app.post<{ Params: { account: string }; Body: SubmitBody }>(
    '/api/v1/accounts/:account/readings',
    {
      preHandler: requireScope('readings:write'),
      config,
      schema: SUBMIT_SCHEMA,
    },
    async (req, reply) => {
      const t = readingsText[req.locale];
      // The schema's bounds let a string of digits past Infinity through (as Infinity).
      if (req.body.readings.some((r) => positiveInt(r.meterId) === null)) {
        const message = common[req.locale].errors.badRequest;
        return reply
          .status(400)
          .send({ error: 'invalid', message, detail: 'meterId: a whole number from 1' });
      }
      const typed: Record<number, string> = {};
      for (const r of req.body.readings) typed[r.meterId] = r.value;
      const headerKey = req.headers['idempotency-key'];
      const result = await submitReadings(db, {
        accountNumber: req.params.account,
        userId: req.user!.id,
        typed,
        idempotencyKey: req.body.idempotencyKey ?? (typeof headerKey === 'string' ? headerKey : ''),
        confirmPartial: req.body.confirmPartial === true,
        confirmLarge: req.body.confirmLarge === true,
        confirmThresholdM3: settings.READING_CONFIRM_M3,
        maxPerMonth: settings.READING_MAX_PER_MONTH,
        now: new Date(),
      });
      switch (result.kind) {
        case 'accepted':
          return reply.status(result.replay ? 200 : 201).send({
            status: result.replay ? 'already_stored' : 'accepted',
            readings: result.saved.map(toJson),
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
            fields: Object.entries(result.errors).map(([id, p]) => ({
              meterId: Number(id),
              problem: p.problem,
              typed: typed[Number(id)] ?? '',
              message: problemMessage(req.locale, p),
            })),
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
            large: result.large.map((l) => ({
              meterId: l.meterId,
              serial: l.serial,
              consumptionM3: formatM3(l.consumptionL),
              limitM3: formatM3(l.limitL),
              usualM3: l.usual ? formatM3(l.usual.medianL) : null,
            })),
          });
      }
    },
  );
}
