import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireScope } from '../api-tokens/api-auth';
import type { AppDeps } from '../app-deps';
import type { Locale } from '../db/schema';
import type { Litres } from '../money/litres';
import { API_RATE_LIMIT, fieldAnswers, idempotencyHeader, largeAnswer } from '../readings/readings.api';
import { readingsText } from '../readings/readings.messages';
import {
  confirmAnswer,
  errorAnswer,
  idempotencyKey,
  invalidAnswer,
  readingAnswer,
  readingJson,
  submitHeaders,
  typedReading,
} from '../readings/readings.schemas';
import { largeMessage } from '../readings/readings.views';
import { MAX_INT4 } from '../web/forms';
import { withSchemas } from '../web/request-schemas';
import { premisesText } from './premises.messages';
import { type AccountOutcome, submitPremisesReadings } from './submit-premises-readings.service';

/** The readings of all the customer's accounts in one request: each meter with its value as typed. */
const bulkBody = z.object({
  readings: z.array(typedReading).min(1).max(1000),
  idempotencyKey,
  confirmLarge: z
    .array(
      z.object({
        meterId: z.number().int().min(1).max(MAX_INT4),
        valueL: z
          .number()
          .int()
          .min(0)
          .max(99_999_999)
          .describe('the reading in litres, as the 409 answer gave it'),
      }),
    )
    .max(1000)
    .default([])
    .describe('large consumptions confirmed: a meter is stored only when confirmed with the very value sent'),
});

const accountAnswer = z.object({
  account: z.string(),
  status: z.enum(['accepted', 'already_stored', 'invalid', 'confirmation_required', 'period_closed']),
  message: z.string(),
  readings: z.array(readingAnswer),
  fields: invalidAnswer.shape.fields,
  large: z.array(confirmAnswer.shape.large.element.extend({ valueL: z.number().int() })),
});

const bulkAnswer = z.object({
  status: z.enum(['accepted', 'already_stored', 'confirmation_required', 'not_all_stored']),
  message: z.string(),
  accounts: z
    .array(accountAnswer)
    .describe("one entry per account with readings sent, in the order of the customer's accounts"),
  foreign: z.array(z.number().int()).describe("meter ids that are not on the customer's accounts: refused"),
});

/**
 * POST /api/v1/premises/readings: the readings form of all premises for apps and integrations
 * (decision 165). The same use case as the form: each account is stored whole or not at all, by
 * the single-account rules; a meter of another customer is refused. 201 when something new was
 * stored and every account passed, 200 when all of it was stored before under this key, 409 when
 * only confirmations of large consumptions are missing, 422 when some account was not stored.
 */
export async function premisesApi(instance: FastifyInstance, { db, config: settings }: AppDeps) {
  const app = withSchemas(instance);
  app.post(
    '/api/v1/premises/readings',
    {
      preHandler: requireScope('readings:write'),
      config: { rateLimit: API_RATE_LIMIT },
      schema: {
        tags: ['readings'],
        summary: "Submit the current month's readings of all the customer's accounts at once",
        description:
          "Meters of any of the signed-in customer's accounts, each with its value as typed. Each account is checked and stored on its own, as POST /api/v1/accounts/{account}/readings does with confirmPartial (meters not sent are not asked for): an account with a refused value stores none of its readings; the others are stored. A large consumption is stored once confirmed: send confirmLarge with the meter and the litres of the 409 answer. The same idempotencyKey stores one submission however often it is sent; it may come in the Idempotency-Key header instead, and a header that is no key (8 to 100 characters of A-Z, a-z, 0-9, '-' and '_') is refused with 400 invalid_idempotency_key, never replaced.",
        security: [{ session: [], csrf: [] }, { bearer: [] }],
        'x-token-scope': 'readings:write',
        headers: submitHeaders,
        body: bulkBody,
        response: {
          200: bulkAnswer.describe('Already stored under this idempotency key'),
          201: bulkAnswer.describe('Every account stored'),
          400: errorAnswer,
          401: errorAnswer,
          403: errorAnswer,
          409: bulkAnswer.describe('Large consumptions to confirm; nothing else refused'),
          422: bulkAnswer.describe('Some accounts were not stored (the others were)'),
          429: errorAnswer,
        },
      },
    },
    async (req, reply) => {
      const headerKey = idempotencyHeader(req, reply);
      if (headerKey === 'refused') return reply;
      const typed: Record<number, string> = {};
      for (const r of req.body.readings) typed[r.meterId] = r.value;
      const confirmedLarge: Record<number, Litres> = {};
      for (const c of req.body.confirmLarge) confirmedLarge[c.meterId] = c.valueL as Litres;
      const result = await submitPremisesReadings(db, {
        userId: req.user!.id,
        typed,
        idempotencyKey: req.body.idempotencyKey ?? headerKey,
        confirmedLarge,
        confirmThresholdM3: settings.READING_CONFIRM_M3,
        maxPerMonth: settings.READING_MAX_PER_MONTH,
        now: new Date(),
      });
      const accounts = result.accounts.map((o) => accountJson(req.locale, o, typed));
      const answer = overall(req.locale, accounts, result.foreign);
      return reply.status(answer.code).send({ ...answer.body, accounts, foreign: result.foreign });
    },
  );
}

function accountJson(
  locale: Locale,
  o: AccountOutcome,
  typed: Record<number, string>,
): z.output<typeof accountAnswer> {
  const t = premisesText[locale].bulk;
  const base = { account: o.accountNumber, readings: [], fields: [], large: [] };
  switch (o.kind) {
    case 'stored':
      return {
        ...base,
        status: o.replay ? 'already_stored' : 'accepted',
        message: o.replay ? t.storedAgain : t.stored(o.saved.length),
        readings: o.saved.map(readingJson),
      };
    case 'invalid':
      return {
        ...base,
        status: 'invalid',
        message: t.invalid,
        fields: fieldAnswers(locale, o.errors, typed),
      };
    case 'confirm':
      return {
        ...base,
        status: 'confirmation_required',
        message: [t.confirm, ...o.large.map((l) => largeMessage(locale, l))].join(' '),
        large: o.large.map((l) => ({ ...largeAnswer(l), valueL: o.values[l.meterId] ?? 0 })),
      };
    case 'closed':
      return { ...base, status: 'period_closed', message: t.closed };
  }
}

function overall(
  locale: Locale,
  accounts: z.output<typeof accountAnswer>[],
  foreign: number[],
): { code: 200 | 201 | 409 | 422; body: Pick<z.output<typeof bulkAnswer>, 'status' | 'message'> } {
  const t = premisesText[locale].bulk;
  const statuses = new Set(accounts.map((a) => a.status));
  if (!accounts.length && !foreign.length)
    return {
      code: 422,
      body: { status: 'not_all_stored', message: readingsText[locale].nothingEntered },
    };
  const refused = foreign.length > 0 || statuses.has('invalid') || statuses.has('period_closed');
  const message = foreign.length ? `${t.someNotStored} ${t.foreign}` : t.someNotStored;
  if (refused) return { code: 422, body: { status: 'not_all_stored', message } };
  if (statuses.has('confirmation_required'))
    return { code: 409, body: { status: 'confirmation_required', message: t.someNotStored } };
  if (statuses.has('accepted')) return { code: 201, body: { status: 'accepted', message: t.allStored } };
  return { code: 200, body: { status: 'already_stored', message: t.allStored } };
}
