import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AppDeps, lagTolerantDb } from '../app-deps';
import { safeNext } from '../auth/guard';
import { formatDateTime } from '../i18n/locales';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formText, queryText, type SchemaApp, withSchemas } from '../web/request-schemas';
import { parseAuditQuery } from './audit-filter';
import { homeText } from './home.messages';
import { AUDIT_PAGE, auditEntries, backofficeCounts } from './home.queries';
import { AuditLogPage, HomePage, SecondFactorPage, type SecondFactorView } from './home.views';
import { type SecondFactorResult, secondFactorStatus, verifySecondFactor } from './second-factor.service';
import { newTotpSecret, totpQrDataUrl, totpUri } from './totp';

const ENROL_COOKIE = 'totp_enrol';

/** The second-factor page; a secret being enrolled is shown with its otpauth URI and QR code. */
async function sendSecondFactorPage(
  req: FastifyRequest,
  reply: FastifyReply,
  view: Omit<SecondFactorView, 'enrolment'> & { secret: string | null },
  status = 200,
) {
  const { secret, ...rest } = view;
  const uri = secret ? totpUri(secret, req.user?.login ?? '') : '';
  const enrolment = secret ? { secret, uri, qr: await totpQrDataUrl(uri) } : null;
  return sendPage(
    reply,
    <SecondFactorPage ctx={pageContext(req, reply)} view={{ ...rest, enrolment }} />,
    status,
  );
}

/** Why a code was refused, in the user's language. */
function refusal(req: FastifyRequest, result: Extract<SecondFactorResult, { ok: false }>): string {
  const t = homeText[req.locale];
  if (result.lockedUntil) return t.tfaLocked(formatDateTime(result.lockedUntil));
  return result.reason === 'reused' ? t.tfaReused : t.tfaBad;
}

/** The code typed on the second-factor page, and where to go after it. */
const secondFactorForm = formBody({ code: formText(20), next: formText(2000) });
/** The audit log's filters, each one string (parseAuditQuery checks them). */
const auditQuery = z.record(z.string(), z.string());

export async function backofficeHomeRoutes(instance: FastifyInstance, deps: AppDeps) {
  const app = withSchemas(instance);
  const { db } = deps;
  app.get('/backoffice', async (req, reply) => {
    const counts = await backofficeCounts(db);
    return sendPage(reply, <HomePage ctx={pageContext(req, reply)} counts={counts} />);
  });
  secondFactorRoutes(app, deps);
  auditLogRoutes(app, deps);
}

/**
 * The administrator's second factor: enrolment on first login, then a code after every password.
 * The back-office guard lets administrators only reach the TOTP page.
 */
function secondFactorRoutes(app: SchemaApp, { db, config }: AppDeps) {
  const secure = config.PUBLIC_URL.startsWith('https://');
  app.get(
    '/backoffice/2fa',
    { config: { backoffice: 'second-factor' }, schema: { querystring: z.object({ next: queryText }) } },
    async (req, reply) => {
      if (!req.user) return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
      const next = safeNext(req.query.next, '/backoffice');
      const status = await secondFactorStatus(db, req.user.id, req.user.sessionHash);
      const { verified, lockedUntil } = status;
      // A locked second factor says so (and until when) before the code is typed.
      const error =
        lockedUntil && !verified ? homeText[req.locale].tfaLocked(formatDateTime(lockedUntil)) : undefined;
      if (status.enrolled) return sendSecondFactorPage(req, reply, { secret: null, verified, next, error });
      // Not enrolled: a new secret, kept in a signed cookie until the first code proves the app has it.
      const pending = reply.unsignCookie(req.cookies[ENROL_COOKIE] ?? '');
      const secret = pending.valid && pending.value ? pending.value : newTotpSecret();
      reply.setCookie(ENROL_COOKIE, secret, {
        path: '/backoffice/2fa',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        signed: true,
        maxAge: 1800,
      });
      return sendSecondFactorPage(req, reply, { secret, verified: false, next });
    },
  );

  app.post(
    '/backoffice/2fa',
    {
      config: { backoffice: 'second-factor', rateLimit: { max: 10, timeWindow: '5 minutes' } },
      schema: { body: secondFactorForm },
    },
    async (req, reply) => {
      if (!req.user) return reply.redirect('/', 303);
      const next = safeNext(req.body.next, '/backoffice');
      const { enrolled } = await secondFactorStatus(db, req.user.id, req.user.sessionHash);
      let pendingSecret: string | null = null;
      if (!enrolled) {
        const pending = reply.unsignCookie(req.cookies[ENROL_COOKIE] ?? '');
        if (!pending.valid || !pending.value) return reply.redirect('/backoffice/2fa', 303);
        pendingSecret = pending.value;
      }
      const result = await verifySecondFactor(db, {
        userId: req.user.id,
        sessionHash: req.user.sessionHash,
        code: req.body.code,
        pendingSecret,
        ip: req.ip,
      });
      if (!result.ok) {
        const { lockedUntil } = result;
        if (lockedUntil)
          reply.header('retry-after', Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000)));
        const view = { secret: pendingSecret, verified: false, error: refusal(req, result), next };
        return sendSecondFactorPage(req, reply, view, lockedUntil ? 429 : 400);
      }
      reply.clearCookie(ENROL_COOKIE, { path: '/backoffice/2fa' });
      return reply.redirect(next, 303);
    },
  );
}

/** The audit log, for administrators. */
function auditLogRoutes(app: SchemaApp, deps: AppDeps) {
  // A report: the entries may lag behind the primary by the standby's delay (decision 127).
  const db = lagTolerantDb(deps);
  app.get(
    '/backoffice/audit',
    { config: { backoffice: 'admin' }, schema: { querystring: auditQuery } },
    async (req, reply) => {
      const { q, errors, filter } = parseAuditQuery(req.query);
      const rows = errors.from || errors.to ? [] : await auditEntries(db, filter);
      const last = rows.at(-1);
      const older = new URLSearchParams({ ...q, before: String(last?.id ?? '') } as Record<string, string>);
      const olderHref = rows.length === AUDIT_PAGE ? `/backoffice/audit?${older.toString()}` : null;
      const ctx = pageContext(req, reply);
      return sendPage(
        reply,
        <AuditLogPage ctx={ctx} q={q} errors={errors} rows={rows} olderHref={olderHref} />,
      );
    },
  );
}
