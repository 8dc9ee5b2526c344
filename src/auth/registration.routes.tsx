import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { fill } from '../i18n/locales';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { formBody, formCheckbox, formDigits, formRaw, formText } from '../web/request-schemas';
import { audit } from './audit';
import { identityText } from './identity.messages';
import {
  type CustomerKind,
  confirmRegistration,
  correctUnconfirmedEmail,
  type RegistrationInput,
  registerCustomer,
  resendConfirmation,
} from './registration.service';
import { ConfirmFailedPage, RegisterPage, RegistrationSentPage, UnconfirmedPage } from './registration.views';

/** The registration form as the use case takes it: trimmed, cut to size, spaces out of numbers. */
const registrationForm = formBody({
  kind: formText(20).transform((kind): CustomerKind => (kind === 'legal' ? 'legal' : 'individual')),
  firstName: formText(100),
  lastName: formText(100),
  account: formDigits(),
  binIin: formDigits(),
  contract: formText(40),
  email: formText(200),
  password: formRaw,
  passwordRepeat: formRaw,
  consent: formCheckbox,
}).transform(({ _csrf, ...input }): RegistrationInput => input);

/** The unconfirmed login of the resend form, and of the pages' links. */
const loginQuery = z.object({ login: formText(64) });
const resendForm = formBody({ login: formText(64) });

/** A correction of an unconfirmed registration's address, proven by its password. */
const correctForm = formBody({ correctLogin: formText(64), password: formRaw, email: formText(200) });

/** The signed cookie that carries the address of a registration to its result page. */
const SENT_COOKIE = 'registered';

const zodApp = (instance: FastifyInstance) => instance.withTypeProvider<ZodTypeProvider>();
type ZodApp = ReturnType<typeof zodApp>;

/** Who acts and where the mailed links point: the mailing use cases' context of a request. */
const actorOf = (config: AppDeps['config'], req: FastifyRequest) => ({
  locale: req.locale,
  ip: req.ip,
  publicUrl: config.PUBLIC_URL,
});

/** The registration form, its answer and the page that says where the link was mailed. */
function registerFormRoutes(app: ZodApp, { db, config }: AppDeps) {
  const perAccount = perValueLimit(db, 'register', { max: 10, timeWindowMs: 3600_000 });
  const hours = config.REGISTRATION_CONFIRM_HOURS;
  app.get('/register', { schema: { querystring: z.object({ kind: formText(20) }) } }, async (req, reply) => {
    const kind: CustomerKind = req.query.kind === 'legal' ? 'legal' : 'individual';
    return sendPage(reply, <RegisterPage ctx={pageContext(req, reply)} view={{ kind }} />);
  });

  app.post(
    '/register',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } }, schema: { body: registrationForm } },
    async (req, reply) => {
      const input = req.body;
      const kind = input.kind;
      await perAccount(reply, kind === 'legal' ? input.binIin : input.account);
      const result = await registerCustomer(db, input, {
        locale: req.locale,
        publicUrl: config.PUBLIC_URL,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        confirmHours: hours,
      });
      const ctx = pageContext(req, reply, kind === 'legal' ? '/register?kind=legal' : '/register');
      if (!result.ok) {
        const { password: _p, passwordRepeat: _r, ...kept } = input;
        return sendPage(reply, <RegisterPage ctx={ctx} view={{ ...kept, errors: result.errors }} />, 400);
      }
      // Post/redirect/get: the result page survives a reload and a language switch. The address
      // it names rides in a signed cookie of this browser, not in the URL.
      reply.setCookie(SENT_COOKIE, result.email, {
        path: '/register',
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.PUBLIC_URL.startsWith('https://'),
        maxAge: 3600,
      });
      return reply.redirect('/register/sent', 303);
    },
  );

  app.get('/register/sent', async (req, reply) => {
    const cookie = req.cookies[SENT_COOKIE];
    const email = cookie ? req.unsignCookie(cookie) : undefined;
    if (!email?.valid || !email.value) return reply.redirect('/register', 303);
    return sendPage(
      reply,
      <RegistrationSentPage
        ctx={pageContext(req, reply)}
        email={email.value}
        devMailbox={devMailboxServes(config, req)}
      />,
    );
  });
}

/** The link of the confirmation mail. */
function confirmRoutes(app: ZodApp, { db, config }: AppDeps) {
  const hours = config.REGISTRATION_CONFIRM_HOURS;
  const tokenQuery = z.object({ token: formText() });
  app.get('/register/confirm', { schema: { querystring: tokenQuery } }, async (req, reply) => {
    const { token } = req.query;
    const confirmed = await confirmRegistration(db, token, { ip: req.ip, confirmHours: hours });
    if (!confirmed) return sendPage(reply, <ConfirmFailedPage ctx={pageContext(req, reply)} />, 400);
    return reply.redirect('/?done=confirmed', 303);
  });
}

/** A new confirmation link by mail: three an hour per login, ten in ten minutes per client address. */
const NEW_LINK_LIMIT = { perUser: 3, timeWindowMs: 3600_000, perClient: 10, clientWindowMs: 10 * 60_000 };

/** The page of an unconfirmed login and its form that mails the link again. */
function resendRoutes(app: ZodApp, { db, config }: AppDeps) {
  const hours = config.REGISTRATION_CONFIRM_HOURS;
  // Each resend mails a new link.
  const resendLimit = actionLimit(db, 'register.resend', NEW_LINK_LIMIT);

  app.get('/register/unconfirmed', { schema: { querystring: loginQuery } }, async (req, reply) => {
    const { login } = req.query;
    return sendPage(reply, <UnconfirmedPage ctx={pageContext(req, reply)} login={login} hours={hours} />);
  });

  // The address the resend form answers at: reloading it shows the page of the unconfirmed login.
  app.get('/register/resend', { schema: { querystring: loginQuery } }, async (req, reply) => {
    const { login } = req.query;
    return reply.redirect(`/register/unconfirmed${login ? `?login=${encodeURIComponent(login)}` : ''}`, 303);
  });

  app.post('/register/resend', { schema: { body: resendForm } }, async (req, reply) => {
    const { login } = req.body;
    const wait = await resendLimit(req, `login:${login}`);
    if (wait) {
      await audit(db, { actorUserId: null, action: 'register.resend.limited', subject: login, ip: req.ip });
      reply.header('retry-after', wait);
      const error = waitMessage(req.locale, wait);
      return sendPage(
        reply,
        <UnconfirmedPage
          ctx={pageContext(req, reply, unconfirmedHere(login))}
          login={login}
          hours={hours}
          error={error}
        />,
        429,
      );
    }
    await resendConfirmation(db, login, { ...actorOf(config, req), confirmHours: hours });
    const r = identityText[req.locale].register;
    const ctx = pageContext(req, reply, unconfirmedHere(login));
    return sendPage(reply, <UnconfirmedPage ctx={ctx} login={login} hours={hours} notice={r.resent} />);
  });
}

/** The correction of an unconfirmed registration's address. */
function correctRoutes(app: ZodApp, { db, config }: AppDeps) {
  const hours = config.REGISTRATION_CONFIRM_HOURS;
  // A correction mails a new link, and tries the password: every attempt counts per client; per
  // login, counted only once the password is proven, so a stranger who knows the account number
  // cannot use up the registrant's corrections (wrong passwords go to the login throttle instead).
  const correctLimit = actionLimit(db, 'register.correct', NEW_LINK_LIMIT);
  const provenCorrectLimit = actionLimit(db, 'register.correct.proven', {
    ...NEW_LINK_LIMIT,
    // The client was counted before the password was tried.
    perClient: Number.MAX_SAFE_INTEGER,
  });

  // The address the correction form answers at: reloading it shows the unconfirmed-login page.
  app.get('/register/correct', async (_req, reply) => reply.redirect('/register/unconfirmed', 303));

  app.post('/register/correct', { schema: { body: correctForm } }, async (req, reply) => {
    const { correctLogin: login, password, email } = req.body;
    const input = { login, password, email };
    const page = (status: number, view: Parameters<typeof UnconfirmedPage>[0], notice?: string) =>
      sendPage(reply, <UnconfirmedPage {...view} notice={notice} />, status);
    const base = {
      ctx: pageContext(req, reply, unconfirmedHere(input.login)),
      login: input.login,
      hours,
    };
    const kept = { login: input.login, email: input.email };
    // An empty subject: the client's counter only; the login's is counted after the password.
    const wait = await correctLimit(req, '');
    if (wait) {
      await audit(db, {
        actorUserId: null,
        action: 'register.correct.limited',
        subject: input.login,
        ip: req.ip,
      });
      reply.header('retry-after', wait);
      const form = waitMessage(req.locale, wait);
      return page(429, { ...base, correction: { ...kept, errors: { form } } });
    }
    const result = await correctUnconfirmedEmail(db, input, {
      ...actorOf(config, req),
      confirmHours: hours,
      provenLimit: (login) => provenCorrectLimit(req, `login:${login}`),
    });
    if (!result.ok && result.retryAfter) {
      reply.header('retry-after', result.retryAfter);
      const form = waitMessage(req.locale, result.retryAfter);
      return page(429, { ...base, correction: { ...kept, errors: { form } } });
    }
    if (!result.ok) return page(400, { ...base, correction: { ...kept, errors: result.errors } });
    const r = identityText[req.locale].register;
    return page(200, base, fill(r.corrected, { email: result.email }));
  });
}

export async function registrationRoutes(instance: FastifyInstance, deps: AppDeps) {
  const app = zodApp(instance);
  registerFormRoutes(app, deps);
  confirmRoutes(app, deps);
  resendRoutes(app, deps);
  correctRoutes(app, deps);
}

/** The GET address of the unconfirmed-login page, for the language links of the resend answers. */
function unconfirmedHere(login: string): string {
  return login ? `/register/unconfirmed?login=${encodeURIComponent(login)}` : '/register/unconfirmed';
}
