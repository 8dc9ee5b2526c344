import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { customerAccount } from '../accounts/access';
import { apiRateKey, requireScope } from '../api-tokens/api-auth';
import type { AppDeps } from '../app-deps';
import { statementRangeProblem } from '../billing/statement';
import { isPeriod, type Period, periodOfDay } from '../calendar/calendar';
import { common } from '../i18n/common';
import {
  accountParams,
  documentsAnswer,
  errorAnswer,
  invoiceParams,
  pdfBytes,
  statementQuery,
} from './documents.schemas';
import { invoicePdf, statementPdf } from './documents.service';
import { accountDocumentPeriods } from './invoice.queries';
import { defaultPeriod } from './invoice.service';

const TAGS = ['documents'];
/** Documents are rendered on request (a PDF each): fewer calls than the readings API. */
const config = {
  rateLimit: {
    max: 30,
    timeWindow: 10 * 60_000,
    groupId: 'api-v1-documents',
    keyGenerator: (req: FastifyRequest) => apiRateKey(req),
  },
};
const SECURITY: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];
const SCOPE = { 'x-token-scope': 'documents:read' };
/** Months listed by the documents index. */
const LIST_MONTHS = 36;

const pdfResponse = {
  description: 'The PDF (application/pdf)',
  content: { 'application/pdf': { schema: pdfBytes } },
};

/** What a PDF download answers: the file, or an error (bad month, no token, no scope, no such document). */
const PDF_RESPONSES = {
  200: pdfResponse,
  400: errorAnswer,
  401: errorAnswer,
  403: errorAnswer,
  404: errorAnswer,
};

function sendPdf(reply: FastifyReply, pdf: { filename: string; bytes: Buffer }) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `attachment; filename="${pdf.filename}"`)
    .send(pdf.bytes);
}

/** A period of the query or path that names a billed month ('YYYY-MM', not after last month), or null. */
function pastPeriod(text: unknown): Period | null {
  return typeof text === 'string' && isPeriod(text) && text <= defaultPeriod() ? text : null;
}

function badRequest(req: FastifyRequest, reply: FastifyReply, detail: string) {
  return reply.status(400).send({ error: 'invalid', message: common[req.locale].errors.badRequest, detail });
}

const DOCUMENTS_SCHEMA = {
  tags: TAGS,
  summary: 'The months with an invoice (newest first, up to 36) and where to download the PDFs',
  security: SECURITY,
  ...SCOPE,
  params: accountParams,
  response: {
    200: documentsAnswer,
    401: errorAnswer,
    403: errorAnswer,
    404: errorAnswer,
    429: errorAnswer,
  },
};

const INVOICE_SCHEMA = {
  tags: TAGS,
  summary: "The month's invoice as a PDF, in the language of the request",
  security: SECURITY,
  ...SCOPE,
  params: invoiceParams,
  response: PDF_RESPONSES,
};

const STATEMENT_SCHEMA = {
  tags: TAGS,
  summary: 'The settlement statement of a range of months as a PDF',
  security: SECURITY,
  ...SCOPE,
  params: accountParams,
  querystring: statementQuery,
  response: PDF_RESPONSES,
};

/**
 * Invoices and statements for integrations (an API token with `documents:read`, or the session):
 * the months with an invoice, an invoice's PDF, a statement's PDF. Another customer's account: 404.
 */
export async function documentsApi(instance: FastifyInstance, { db, config: settings }: AppDeps) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireScope('documents:read');

  app.get(
    '/api/v1/accounts/:account/documents',
    { preHandler, config, schema: DOCUMENTS_SCHEMA },
    async (req) => {
      const account = await customerAccount(db, req, req.params.account);
      const base = `/api/v1/accounts/${encodeURIComponent(account.number)}`;
      const periods = (await accountDocumentPeriods(db, account.id, LIST_MONTHS + 1))
        .map(periodOfDay)
        .filter((p) => p <= defaultPeriod())
        .slice(0, LIST_MONTHS);
      return {
        account: account.number,
        invoices: periods.map((period) => ({ period, pdf: `${base}/invoices/${period}` })),
        statementPdf: `${base}/statement?from={YYYY-MM}&to={YYYY-MM}`,
      };
    },
  );

  const invoiceRoute = { preHandler, config, schema: INVOICE_SCHEMA };
  app.get('/api/v1/accounts/:account/invoices/:period', invoiceRoute, async (req, reply) => {
    const account = await customerAccount(db, req, req.params.account);
    const period = pastPeriod(req.params.period);
    if (!period) return badRequest(req, reply, 'period: YYYY-MM, a month up to the last one');
    const pdf = await invoicePdf(db, account, period, req.locale, { payee: settings });
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf);
  });

  const statementRoute = { preHandler, config, schema: STATEMENT_SCHEMA };
  app.get('/api/v1/accounts/:account/statement', statementRoute, async (req, reply) => {
    const account = await customerAccount(db, req, req.params.account);
    const from = pastPeriod(req.query.from);
    const to = pastPeriod(req.query.to);
    if (!from || !to || statementRangeProblem(from, to)) {
      return badRequest(req, reply, 'from, to: YYYY-MM, from not after to, at most 36 months');
    }
    const pdf = await statementPdf(db, account, from, to, req.locale);
    if (!pdf) return reply.callNotFound();
    return sendPdf(reply, pdf);
  });
}
