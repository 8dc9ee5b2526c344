import { z } from 'zod';
import { apiAccountParams as accountParams, apiError as errorAnswer } from '../web/request-schemas';

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
