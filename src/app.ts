import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import helmet from 'helmet';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { installAccountSwitcher } from './accounts/access';
import { accountLinksRoutes } from './accounts/account-links.routes';
import { lookupRoutes } from './accounts/lookup.routes';
import { personalRoutes } from './accounts/personal.routes';
import { apiBearer } from './api-tokens/api-auth';
import { apiTokensRoutes } from './api-tokens/api-tokens.routes';
import type { AppDeps } from './app-deps';
import { safeNext } from './auth/guard';
import { chooseLanguage } from './auth/language.service';
import { loginRoutes, SESSION_COOKIE } from './auth/login.routes';
import { recoveryRoutes } from './auth/recovery.routes';
import { registrationRoutes } from './auth/registration.routes';
import { loadSession } from './auth/sessions';
import { settingsRoutes } from './auth/settings.routes';
import { backofficeAccountRoutes } from './backoffice/accounts.routes';
import { backofficeExchangeRoutes } from './backoffice/exchange.routes';
import { installBackofficeGuard } from './backoffice/guard';
import { backofficeHomeRoutes } from './backoffice/home.routes';
import { backofficeNoteRoutes } from './backoffice/notes.routes';
import { backofficeOutboxRoutes } from './backoffice/outbox.routes';
import { backofficeQuestionRoutes } from './backoffice/questions.routes';
import { backofficeRateRoutes } from './backoffice/rates.routes';
import { backofficeReadingRoutes } from './backoffice/readings.routes';
import { documentsApi } from './documents/documents.api';
import { documentsRoutes } from './documents/documents.routes';
import { mailingRoutes } from './documents/mailing.routes';
import { configurePdfThreads } from './documents/pdf-threads';
import { DEFAULT_LOCALE, isLocale, type Locale, localeFromAcceptLanguage } from './i18n/locales';
import { devMailboxRoutes } from './mail/dev-mailbox.routes';
import { notificationRoutes } from './notifications/notifications.routes';
import { registerDatabaseGauges } from './ops/metrics';
import { premisesApi } from './premises/premises.api';
import { premisesRoutes } from './premises/premises.routes';
import { guideRoutes } from './public/guide.routes';
import { mapRoutes } from './public/map.routes';
import { publicNoteRoutes } from './public/notes.routes';
import { privacyRoutes } from './public/privacy.routes';
import { publicQuestionRoutes } from './public/questions.routes';
import { readingsApi } from './readings/readings.api';
import { readingsRoutes } from './readings/readings.routes';
import { registerApiDocs } from './web/api-docs';
import { answerError, installErrorPages } from './web/error-pages';
import { createHealth, healthRoutes } from './web/health';
import { BODY_LIMIT, installInputGuard, parseForm } from './web/input-guard';
import { installMetrics, installRequestIds, requestIdFor } from './web/metrics';
import { registerRateLimits } from './web/rate-limit';
import { queryText, withSchemas } from './web/request-schemas';

const STATIC_DIR = join(import.meta.dirname, 'web', 'static');
/** Leaflet's files, served from our own origin for the map page (docs/decisions/090-leaflet-map.md). */
const LEAFLET_DIR = join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

/** Security headers, compression, no caching of personal answers, cookies, form bodies and CSRF tokens. */
async function registerProtections(app: FastifyInstance, config: AppDeps['config'], https: boolean) {
  // Helmet's headers, worked out once: @fastify/helmet built them anew from the options for every
  // request (its parsing of the policy was about 2% of a page's CPU).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
  });
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  // Pages, styles and scripts go out compressed (brotli or gzip) to clients that ask for it: a phone
  // on a slow network loads a third of the bytes. Request bodies are never taken compressed.
  // Answers up to 64 KB (every page) are compressed in one synchronous call: the plugin's default
  // bound shrinks with the cores (8 KB on two), and above it each page went through a stream
  // pipeline whose machinery cost more CPU than the compression (docs/deploy.md, "Month-end load").
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    globalDecompression: false,
    syncThreshold: 64 * 1024,
  });
  // Dynamic answers hold personal data (pages, PDFs, JSON, CSV): no cache keeps them, unless a
  // route sets its own Cache-Control. Static files keep theirs.
  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader('cache-control') && !req.url.startsWith('/static/'))
      reply.header('cache-control', 'no-store');
  });
  // parseOptions are also the defaults of every setCookie: Secure whenever the site is https.
  await app.register(cookie, { secret: config.SESSION_SECRET, parseOptions: { secure: https } });
  await app.register(formbody, { parser: parseForm });
  await app.register(csrf, {
    cookieOpts: {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: https,
    },
  });
}

/** Each capability's routes, registered in this order, each in a Fastify scope of its own. */
const CAPABILITY_ROUTES: ((scope: FastifyInstance, deps: AppDeps) => Promise<void> | void)[] = [
  loginRoutes,
  personalRoutes,
  accountLinksRoutes,
  registrationRoutes,
  privacyRoutes,
  recoveryRoutes,
  settingsRoutes,
  apiTokensRoutes,
  lookupRoutes,
  devMailboxRoutes,
  readingsRoutes,
  premisesRoutes,
  readingsApi,
  premisesApi,
  backofficeHomeRoutes,
  backofficeAccountRoutes,
  backofficeReadingRoutes,
  backofficeRateRoutes,
  backofficeQuestionRoutes,
  backofficeNoteRoutes,
  backofficeExchangeRoutes,
  publicQuestionRoutes,
  publicNoteRoutes,
  mapRoutes,
  guideRoutes,
  documentsRoutes,
  documentsApi,
  mailingRoutes,
  backofficeOutboxRoutes,
  notificationRoutes,
];

/** Builds the HTTP app. Tests build it too, and call it with app.inject() or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  configurePdfThreads(config.PDF_THREADS);
  const https = config.PUBLIC_URL.startsWith('https://');
  const app = Fastify({
    logger:
      config.LOG_LEVEL === 'silent'
        ? false
        : { level: config.LOG_LEVEL, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    // The client is the socket's peer, unless that peer is one of the configured proxies: then the
    // right-most address of X-Forwarded-For that is not a trusted proxy (rate limits, audit log).
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    bodyLimit: BODY_LIMIT,
    // Every log line of a request carries its id; the client's X-Request-Id when it is a short
    // safe token (a proxy's id), else a new one. Echoed, and shown on error pages.
    genReqId: requestIdFor,
    // An address the router cannot read (a malformed %-encoding, a path parameter over its
    // length) is answered before any hook runs: the error pages answer it, in the language the
    // browser chose, instead of the framework's English JSON that echoes the address.
    frameworkErrors: (error, req, reply) => {
      req.locale = pickLocale(cookie.parse(req.headers.cookie ?? '').lang, req.headers['accept-language']);
      reply.header('x-request-id', req.id).header('x-content-type-options', 'nosniff');
      return answerError(error, req, reply);
    },
  });
  // Request and response schemas are zod's (docs/decisions/178-request-schemas-zod.md).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installRequestIds(app);
  installInputGuard(app);

  await registerProtections(app, config, https);
  await registerRateLimits(app, deps.db);
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: 3600_000 });
  await app.register(fastifyStatic, {
    root: LEAFLET_DIR,
    prefix: '/static/leaflet/',
    decorateReply: false,
    maxAge: 3600_000,
    allowedPath: (path) => /^\/(leaflet\.(js|css)|images\/[\w-]+\.png)$/.test(path),
  });

  app.decorateRequest('locale', DEFAULT_LOCALE);
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (req, reply) => {
    req.locale = pickLocale(req.cookies.lang, req.headers['accept-language']);
    // Under /api/, an Authorization: Bearer token is the only credential read (the cookie is not).
    const bearer = await apiBearer(deps.db, req, reply);
    if (bearer === 'answered') return reply;
    if (bearer === 'token') return;
    const sid = req.cookies[SESSION_COOKIE];
    req.user = sid ? await loadSession(deps.db, sid) : null;
  });
  installBackofficeGuard(app, deps.db);
  installAccountSwitcher(app, deps.db);

  // Every state-changing request carries the form's or the page's CSRF token. Checked after body
  // parsing and the input guard, before the route's schema validates the body (a forged request
  // is refused as forged, whatever its fields) and before the handlers.
  app.addHook('preValidation', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return done();
    // A request authenticated by an API token carries no cookie to forge: nothing for CSRF to protect.
    if (req.user?.apiToken) return done();
    // A route whose request carries its own proof (a signed one-click unsubscribe link), or that
    // checks the token itself (a streamed upload reads it from the body first), says so.
    const csrf = req.routeOptions.config?.csrf;
    if (csrf === false || csrf === 'in-route') return done();
    app.csrfProtection(req, reply, done);
  });

  installErrorPages(app);
  await registerApiDocs(app);

  const metrics = new Registry();
  registerDatabaseGauges(metrics, { db: deps.db, engine: deps.engine });
  installMetrics(app, { token: config.METRICS_TOKEN, registry: metrics });

  await healthRoutes(app, { db: deps.db, engine: deps.engine, health: deps.health ?? createHealth() });

  const languageSchema = {
    params: z.object({ locale: z.string() }),
    querystring: z.object({ next: queryText }),
  };
  withSchemas(app).get('/lang/:locale', { schema: languageSchema }, async (req, reply) => {
    const locale = isLocale(req.params.locale) ? req.params.locale : DEFAULT_LOCALE;
    reply.setCookie('lang', locale, { path: '/', sameSite: 'lax', secure: https, maxAge: 365 * 86400 });
    if (req.user) await chooseLanguage(deps.db, req.user.id, locale);
    return reply.redirect(safeNext(req.query.next, '/'), 303);
  });

  for (const routes of CAPABILITY_ROUTES) await app.register(async (scope) => routes(scope, deps));

  return app;
}

/** The language chosen on this browser (cookie), else the one its Accept-Language prefers, else Kazakh. */
function pickLocale(cookieValue: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  return localeFromAcceptLanguage(acceptLanguage);
}
