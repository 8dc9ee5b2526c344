import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Request schemas shared by the routes (docs/decisions/178-request-schemas-zod.md). Each route
 * declares its body, query string and path parameters with zod; Fastify validates them before the
 * handler, which gets typed values.
 *
 * Form schemas accept whatever a browser can send for a field: a string, nothing (an unticked
 * checkbox, a field left out), or the same name repeated (a list). They normalise (trim, cut to
 * the column's length, '' when missing) and leave the checks with a message next to the field to
 * the use cases. Anything else (an object or a number where a string goes, which only a hand-made
 * request sends) fails validation: the error page answers 400 in the user's language.
 */

/** An app (or a plugin's scope) whose routes take zod schemas and hand their handlers the parsed types. */
export type SchemaApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const withSchemas = (app: FastifyInstance): SchemaApp => app.withTypeProvider<ZodTypeProvider>();

/** One field as a browser sends it in a form: absent, a string, or repeated (a list of strings). */
export const sentField = z.union([z.string(), z.array(z.string())]).optional();

const firstOf = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();

/** A text field, trimmed, '' when missing, the first value when repeated, cut to `max` characters. */
export const formText = (max = 10_000) => sentField.transform((value) => firstOf(value).slice(0, max));

/** A field taken exactly as typed (a password): not trimmed, '' when missing, the first when repeated. */
export const formRaw = sentField.transform((value) =>
  Array.isArray(value) ? (value[0] ?? '') : (value ?? ''),
);

/** A text field with every white space removed (numbers typed with spaces: accounts, IIN/BIN). */
export const formDigits = (max = 10_000) =>
  sentField.transform((value) => firstOf(value).replace(/\s/g, '').slice(0, max));

/** A checkbox: ticked when it sends '1', unticked when absent (or any other value). */
export const formCheckbox = sentField.transform((value) => firstOf(value) === '1');

/** A field that may repeat (several checkboxes of one name): every value sent, trimmed. */
export const formList = (max = 10_000) =>
  sentField.transform((value) =>
    (value === undefined ? [] : [value].flat()).map((item) => item.trim().slice(0, max)),
  );

/**
 * A form's body: the listed fields, the CSRF token (checked before validation), and nothing else
 * kept. A request without a body reads as an empty form.
 */
export const formBody = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.preprocess((body) => body ?? {}, z.object({ ...shape, _csrf: z.string().optional() }));

/** A query-string parameter of a page: absent or one string (a repeated one is refused earlier). */
export const queryText = z.string().optional();

/** The `?account=` of the cabinet's pages: which of the customer's accounts a page is about. */
export const accountQuery = z.object({ account: queryText });

/** The account of a /api/v1 path (`/api/v1/accounts/:account/...`). */
export const apiAccountParams = z.object({
  account: z.string().max(40).describe('personal account number'),
});

/** What the API answers when it refuses a request (the error handler's shape; requestId is not documented). */
export const apiError = z.object({
  error: z.string(),
  message: z.string(),
  detail: z
    .string()
    .optional()
    .describe('For 400: what could not be read (JSON syntax, a field against the schema)'),
});

/** A path's `:id` as sent; the route reads it with positiveInt (anything else is not found). */
export const idParams = z.object({ id: z.string() });
