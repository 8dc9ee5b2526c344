import { z } from 'zod';
import { periodOfDay } from '../calendar/calendar';
import { READING_SOURCES, READING_STATUSES, WATERS } from '../db/schema';
import { formatMeterReading } from '../money/litres';
import { MAX_INT4 } from '../web/forms';
import {
  apiAccountParams as accountParams,
  accountQuery,
  apiError as errorAnswer,
  formCheckbox,
  formText,
  queryText,
  sentField,
} from '../web/request-schemas';
import type { StoredReading } from './readings.queries';

/**
 * The requests of the readings pages and of the readings API, declared once: Fastify validates
 * them, the handlers get these types, and the API's OpenAPI document is generated from them.
 */

// ---- The cabinet's readings form ----

/** `/cabinet/readings?account=…&done=…&flagged=1`: the page after a submission says what was stored. */
export const readingsPageQuery = accountQuery.extend({ done: queryText, flagged: queryText });

/** The meter fields of the readings form (m_<meter id>), as typed (not trimmed: the parser reads them). */
function typedOf(fields: Record<string, unknown>): Record<number, string> {
  const typed: Record<number, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const id = /^m_(\d{1,9})$/.exec(name)?.[1];
    if (id) typed[Number(id)] = typeof value === 'string' ? value : '';
  }
  return typed;
}

/**
 * The readings form: one field per meter (m_<meter id>), the submission's idempotency key, the
 * action (cancel) and the confirmations of a partial or large submission. Any other field is a
 * browser's string (or list), kept out of the typed values.
 */
export const readingsForm = z
  .preprocess(
    (body) => body ?? {},
    z
      .object({
        key: formText(100),
        action: formText(20),
        confirm_partial: formCheckbox,
        confirm_large: formCheckbox,
        _csrf: z.string().optional(),
      })
      .catchall(sentField),
  )
  .transform(({ key, action, confirm_partial, confirm_large, _csrf, ...fields }) => ({
    key,
    action,
    confirmPartial: confirm_partial,
    confirmLarge: confirm_large,
    typed: typedOf(fields),
  }));

// ---- The JSON API (/api/v1) ----

export { accountParams, errorAnswer };

const readingSource = z.enum(READING_SOURCES);
const readingStatus = z.enum(READING_STATUSES);

export const readingAnswer = z.object({
  id: z.number().int(),
  meterId: z.number().int(),
  period: z.string().describe('YYYY-MM'),
  value: z.string().describe('as the meter shows it, 00117.500'),
  valueL: z.number().int().describe('litres'),
  readOn: z.string().describe('date, YYYY-MM-DD'),
  source: readingSource,
  status: readingStatus,
  submittedAt: z.string().describe('date-time, ISO 8601'),
});

const snapshot = z
  .object({
    value: z.string(),
    valueL: z.number().int(),
    date: z.string().nullable().describe('date, YYYY-MM-DD'),
    source: readingSource.nullable(),
    status: readingStatus.nullable(),
  })
  .nullable();

export const metersAnswer = z.object({
  account: z.string(),
  period: z.string().describe('current month, YYYY-MM'),
  periodOpen: z.boolean(),
  meters: z.array(
    z.object({
      id: z.number().int(),
      inputNo: z.number().int(),
      location: z.string(),
      water: z.enum(WATERS),
      serial: z.string(),
      verificationDue: z.string().nullable().describe('date, YYYY-MM-DD'),
      verification: z
        .enum(['ok', 'soon', 'overdue', 'unknown'])
        .describe('overdue: readings are not billed (norm) until a new verification is recorded'),
      previous: snapshot,
      current: snapshot,
    }),
  ),
});

/** `?months=` of the history: 1 to 36, 36 when absent. */
export const historyQuery = z.object({
  months: z.coerce.number().int().min(1).max(36).default(36).describe('months of history, 1 to 36'),
});

export const historyAnswer = z.object({
  account: z.string(),
  from: z.string(),
  to: z.string(),
  readings: z.array(readingAnswer),
  consumption: z.array(
    z.object({ period: z.string(), coldM3: z.string().nullable(), hotM3: z.string().nullable() }),
  ),
});

/** A submission through the API: the meters' values as typed, and the confirmations. */
/** One meter's value as typed, in a submission through the API. */
export const typedReading = z.object({
  meterId: z.number().int().min(1).max(MAX_INT4),
  value: z.string().max(30).describe('as typed: "117.5", "117,5", "00117.500" or "117"'),
});

/** A client's key of a submission: the same key stores one submission however often it is sent. */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,100}$/)
  .optional();

/**
 * The headers of a submission: the key may come in the Idempotency-Key header instead of the
 * body. Checked by the route (a present header that is no key is refused with 400
 * invalid_idempotency_key in the user's language, never replaced by a fresh key); every other
 * header passes through untouched.
 */
export const submitHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'the submission\'s key when the body has none: 8 to 100 characters of A-Z, a-z, 0-9, "-" and "_"; any other value, the empty one included, is refused (400 invalid_idempotency_key). Absent: the submission gets a key of its own.',
    ),
});

export const submitBody = z.object({
  readings: z.array(typedReading).min(1).max(50),
  idempotencyKey,
  confirmPartial: z.boolean().default(false),
  confirmLarge: z.boolean().default(false),
});

/** A stored reading as the API answers it. */
export const readingJson = (r: StoredReading): z.output<typeof readingAnswer> => ({
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

export const storedAnswer = z.object({ status: z.string(), readings: z.array(readingAnswer) });

export const confirmAnswer = z.object({
  error: z.enum(['confirmation_required', 'period_closed']),
  message: z.string(),
  partial: z.object({ filled: z.number().int(), total: z.number().int() }).nullable().optional(),
  large: z.array(
    z.object({
      meterId: z.number().int(),
      serial: z.string(),
      consumptionM3: z.string(),
      limitM3: z.string(),
      usualM3: z
        .string()
        .nullable()
        .describe(
          "The meter's usual month (median of its last billed months) when the limit is three times it; null when the fixed threshold applies.",
        ),
    }),
  ),
});

export const invalidAnswer = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(
    z.object({
      meterId: z.number().int(),
      problem: z
        .string()
        .describe(
          'empty, tooManyDigits, tooManyDecimals, sign, notNumber (the typed text), lower (below the previous reading), tooMany (the month has had its most submissions), unknownMeter',
        ),
      typed: z.string(),
      message: z.string(),
    }),
  ),
});
