import { z } from 'zod';
import {
  apiAccountParams as accountParams,
  apiError as errorAnswer,
  formBody,
  formCheckbox,
  formText,
  queryText,
} from '../web/request-schemas';

export { accountParams, errorAnswer };

/**
 * The requests and answers of the documents API (/api/v1), declared once: Fastify validates the
 * requests with them and the OpenAPI document is generated from them. Whether a month is one with
 * a bill (not after last month, a range of at most 36 months) stays with the route's check and
 * its 400 detail.
 */

export const invoiceParams = accountParams.extend({ period: z.string().max(20).describe('YYYY-MM') });

export const statementQuery = z.object({
  from: z.string().max(20).describe('YYYY-MM'),
  to: z.string().max(20).describe('YYYY-MM'),
});

export const documentsAnswer = z.object({
  account: z.string(),
  invoices: z.array(z.object({ period: z.string(), pdf: z.string() })),
  statementPdf: z
    .string()
    .describe('the statement PDF, with from and to (YYYY-MM, at most 36 months) to fill in'),
});

/** A PDF's bytes: sent as they are, never serialised; described for the OpenAPI document. */
export const pdfBytes = z.string().meta({ format: 'binary' });

// ---- The cabinet's document pages ----

/** The invoice and breakdown pages and the invoice PDF. */
export const invoicePageQuery = z.object({
  account: queryText,
  done: queryText,
  download: queryText,
  period: queryText,
  month: queryText,
  year: queryText,
});

/** The settlement page, its PDF and CSV: the account and the range's two ends. */
export const settlementPageQuery = z.object({
  account: queryText,
  done: queryText,
  download: queryText,
  from_period: queryText,
  from_month: queryText,
  from_year: queryText,
  to_period: queryText,
  to_month: queryText,
  to_year: queryText,
});

/** The anonymous breakdown: the lookup's signed token and the month. */
export const anonymousQuery = z.object({
  token: queryText,
  period: queryText,
  month: queryText,
  year: queryText,
});

/** "Send the invoice to my email": the account, the month, and the page to come back to. */
export const invoiceEmailForm = formBody({
  account: formText(40),
  period: formText(20),
  back: formText(2000),
});

/** The monthly mailing's checkbox on the invoice page. */
export const subscriptionForm = formBody({ subscribe: formCheckbox, back: formText(2000) });

/** "Send the statement to my email": the account, the range's ends, the page to come back to. */
export const settlementEmailForm = formBody({
  account: formText(40),
  back: formText(2000),
  from_period: formText(20),
  from_month: formText(20),
  from_year: formText(20),
  to_period: formText(20),
  to_month: formText(20),
  to_year: formText(20),
});
