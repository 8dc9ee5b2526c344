import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
import { actionLimit, waitMessage } from '../web/action-limit';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { audit } from './audit';
import { identityText } from './identity.messages';
import {
  type CustomerKind,
  confirmRegistration,
  type RegistrationInput,
  registerCustomer,
  resendConfirmation,
} from './registration.service';
import { ConfirmFailedPage, RegisterPage, RegistrationSentPage, UnconfirmedPage } from './registration.views';

/** The registration form as the use case takes it: trimmed, cut to size, spaces out of numbers. */
function registrationInput(body: unknown): RegistrationInput {
  const form = body as Record<string, unknown>;
  const raw = (name: string) => (typeof form?.[name] === 'string' ? (form[name] as string) : '');
  return {
    kind: field(form, 'kind') === 'legal' ? 'legal' : 'individual',
    firstName: field(form, 'firstName').slice(0, 100),
    lastName: field(form, 'lastName').slice(0, 100),
    account: field(form, 'account').replace(/\s/g, ''),
    binIin: field(form, 'binIin').replace(/\s/g, ''),
    contract: field(form, 'contract').slice(0, 40),
    email: field(form, 'email').slice(0, 200),
    password: raw('password'),
    passwordRepeat: raw('passwordRepeat'),
    consent: field(form, 'consent') === '1',
  };
}

export async function registrationRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const perAccount = perValueLimit(db, 'register', { max: 10, timeWindowMs: 3600_000 });
  // Each resend mails a new link: three an hour per login, ten in ten minutes per client address.
  const resendLimit = actionLimit(db, 'register.resend', {
    perUser: 3,
    timeWindowMs: 3600_000,
    perClient: 10,
    clientWindowMs: 10 * 60_000,
  });

  app.get<{ Querystring: { kind?: string } }>('/register', async (req, reply) => {
    const kind: CustomerKind = req.query.kind === 'legal' ? 'legal' : 'individual';
    return sendPage(reply, <RegisterPage ctx={pageContext(req, reply)} view={{ kind }} />);
  });

  app.post(
    '/register',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const input = registrationInput(req.body);
      const kind = input.kind;
      await perAccount(reply, kind === 'legal' ? input.binIin : input.account);
      const result = await registerCustomer(db, input, {
        locale: req.locale,
        publicUrl: config.PUBLIC_URL,
        ip: req.ip,
      });
      const ctx = pageContext(req, reply, kind === 'legal' ? '/register?kind=legal' : '/register');
      if (!result.ok) {
        const { password: _p, passwordRepeat: _r, ...kept } = input;
        return sendPage(reply, <RegisterPage ctx={ctx} view={{ ...kept, errors: result.errors }} />, 400);
      }
      return sendPage(
        reply,
        <RegistrationSentPage ctx={ctx} email={result.email} devMailbox={devMailboxServes(config, req)} />,
      );
    },
  );

  app.get<{ Querystring: { token?: string } }>('/register/confirm', async (req, reply) => {
    const confirmed = await confirmRegistration(db, String(req.query.token ?? ''), { ip: req.ip });
    if (!confirmed) return sendPage(reply, <ConfirmFailedPage ctx={pageContext(req, reply)} />, 400);
    return reply.redirect('/?done=confirmed', 303);
  });

  app.get<{ Querystring: { login?: string } }>('/register/unconfirmed', async (req, reply) => {
    const login = String(req.query.login ?? '').slice(0, 64);
    return sendPage(reply, <UnconfirmedPage ctx={pageContext(req, reply)} login={login} />);
  });

  // The address the resend form answers at: reloading it shows the page of the unconfirmed login.
  app.get<{ Querystring: { login?: string } }>('/register/resend', async (req, reply) => {
    const login = String(req.query.login ?? '').slice(0, 64);
    return reply.redirect(`/register/unconfirmed${login ? `?login=${encodeURIComponent(login)}` : ''}`, 303);
  });

  app.post('/register/resend', async (req, reply) => {
    const login = field(req.body, 'login').slice(0, 64);
    const wait = await resendLimit(req, `login:${login}`);
    if (wait) {
      await audit(db, { actorUserId: null, action: 'register.resend.limited', subject: login, ip: req.ip });
      reply.header('retry-after', wait);
      const error = waitMessage(req.locale, wait);
      return sendPage(
        reply,
        <UnconfirmedPage ctx={pageContext(req, reply, unconfirmedHere(login))} login={login} error={error} />,
        429,
      );
    }
    await resendConfirmation(db, login, { locale: req.locale, ip: req.ip, publicUrl: config.PUBLIC_URL });
    const r = identityText[req.locale].register;
    const ctx = pageContext(req, reply, unconfirmedHere(login));
    return sendPage(reply, <UnconfirmedPage ctx={ctx} login={login} notice={r.resent} />);
  });
}

/** The GET address of the unconfirmed-login page, for the language links of the resend answers. */
function unconfirmedHere(login: string): string {
  return login ? `/register/unconfirmed?login=${encodeURIComponent(login)}` : '/register/unconfirmed';
}
