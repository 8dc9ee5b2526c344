import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable';
import { common } from '../i18n/common';
import { sendPage } from './html';
import { ControlCharacterError } from './input-guard';
import { Layout, Notice } from './layout';
import { NotFoundError } from './not-found';
import { pageContext } from './request-context';

/**
 * PostgreSQL's data exceptions (class 22) that a client's value causes when no route check caught
 * it first: 22P02 a text that is no number (or date), 22003 a number out of its column's range,
 * 22021/22P05 a byte sequence or character the database cannot store, 22001 a text longer than
 * its column, 22007/22008 an impossible date. The request is at fault, not the server: 400.
 */
function isDataException(error: { code?: unknown }): boolean {
  return typeof error.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code);
}

function ErrorPage({
  req,
  reply,
  title,
  message,
}: {
  req: FastifyRequest;
  reply: FastifyReply;
  title: string;
  message: string;
}) {
  const ctx = pageContext(req, reply);
  return (
    <Layout ctx={ctx} title={title}>
      <Notice kind="error">{message}</Notice>
      <p class="error-id">
        {common[ctx.locale].errors.errorId}: <code>{req.id}</code>
      </p>
      <p>
        <a href="/">{common[ctx.locale].errors.backHome}</a>
      </p>
    </Layout>
  );
}

/**
 * Every failure ends in a page in the user's language (or JSON under /api), never a stack trace;
 * it shows the request's id, which a customer can quote to support and which every log line of
 * the request carries.
 */
export function installErrorPages(app: FastifyInstance) {
  app.setNotFoundHandler((req, reply) => {
    const t = common[req.locale ?? 'kk'].errors;
    if (req.url.startsWith('/api/'))
      return reply.status(404).send({ error: 'not_found', message: t.notFound });
    return sendPage(
      reply,
      <ErrorPage req={req} reply={reply} title={t.notFoundTitle} message={t.notFound} />,
      404,
    );
  });

  app.setErrorHandler(answerError);
}

/**
 * The answer to a failed request: a page in the user's language, or JSON under /api, with the
 * request's id. Also what the framework's own errors get (frameworkErrors in src/app.ts).
 */
export function answerError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const t = common[req.locale ?? 'kk'].errors;
  let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  let title = t.serverTitle;
  let message = t.server;
  if (isDatabaseUnavailable(error)) {
    status = 503;
    title = t.unavailableTitle;
    message = t.unavailable;
    reply.header('retry-after', 30);
  } else if (error instanceof NotFoundError) {
    status = 404;
    title = t.notFoundTitle;
    message = t.notFound;
  } else if (error instanceof ControlCharacterError) {
    status = 400;
    message = t.badCharacters;
  } else if (isDataException(error)) {
    status = 400;
    message = t.badRequest;
    // A value that should have been refused next to its field: worth a look, not an alarm.
    req.log.warn({ code: error.code, url: req.routeOptions.url }, 'database refused a request value');
  } else if (error.code?.startsWith('FST_CSRF')) {
    // A cabinet form sent once the session, and with it the browser's token cookie, had gone
    // (a browser restarted on a page left open): the login page, saying the session expired,
    // and back to the form's page after it; nothing of the form is kept or acted on.
    if (!req.user && req.method === 'POST' && req.url.startsWith('/cabinet/')) {
      return reply.redirect(`/?expired=1&next=${encodeURIComponent(req.url)}`, 303);
    }
    status = 403;
    message = t.csrf;
  } else if (status === 429) {
    message = t.tooMany;
  } else if (status === 413) {
    message = t.tooLarge;
  } else if (status === 403) {
    message = t.forbidden;
  } else if (status === 404) {
    title = t.notFoundTitle;
    message = t.notFound;
  } else if (status >= 400 && status < 500) {
    message = t.badRequest;
  }
  if (status === 503) req.log.warn({ code: error.code, err: error.message }, 'database unavailable');
  else if (status >= 500) req.log.error({ err: error }, 'request failed');
  else req.log.info({ code: error.code, status }, error.message);
  if (req.url.startsWith('/api/')) {
    // A client's malformed request gets what was wrong with it (schema validation, JSON syntax).
    // (Not the database's words: they name columns and types.)
    const detail = status === 400 && !isDataException(error) ? { detail: error.message } : {};
    return reply.status(status).send({
      error: status === 503 ? 'unavailable' : (error.code ?? 'error'),
      message,
      requestId: req.id,
      ...detail,
    });
  }
  return sendPage(reply, <ErrorPage req={req} reply={reply} title={title} message={message} />, status);
}
