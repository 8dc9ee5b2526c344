import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
import { actionLimit, waitMessage } from '../web/action-limit';
import { boundFields, Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { perValueLimit } from '../web/rate-limit';
import type { PageContext } from '../web/request-context';
import { pageContext } from '../web/request-context';
import { audit } from './audit';
import { fill, identityText } from './identity.messages';
import { legalLoginFromContract, TRANSLIT } from './legal-login';
import { consumeToken } from './one-time-tokens';
import { NewPasswordFields } from './password-form.views';
import {
  type CustomerKind,
  type RegistrationField,
  type RegistrationInput,
  registerCustomer,
  sendConfirmation,
} from './registration.service';

type View = Partial<Omit<RegistrationInput, 'password' | 'passwordRepeat'>> & {
  kind: CustomerKind;
  errors?: Partial<Record<RegistrationField, string>>;
};

export function RegisterPage({ ctx, view }: { ctx: PageContext; view: View }) {
  const t = identityText[ctx.locale];
  const r = t.register;
  const e = view.errors ?? {};
  const bound = boundFields(view, e);
  const legal = view.kind === 'legal';
  return (
    <Layout ctx={ctx} title={r.title} scripts={legal ? ['/static/register.js'] : []}>
      <div class="login-box register-box">
        <nav class="tabs" aria-label={r.title}>
          <a href="/register" aria-current={legal ? undefined : 'page'} class={legal ? 'tab' : 'tab active'}>
            {r.individual}
          </a>
          <a
            href="/register?kind=legal"
            aria-current={legal ? 'page' : undefined}
            class={legal ? 'tab active' : 'tab'}
          >
            {r.legal}
          </a>
        </nav>
        {e.form ? <Notice kind="error">{e.form}</Notice> : null}
        <Form action="/register" csrfToken={ctx.csrfToken}>
          <input type="hidden" name="kind" value={view.kind} />
          {legal ? (
            <>
              <Field
                name="login"
                label={r.login}
                value={view.contract ? legalLoginFromContract(view.contract) : ''}
                hint={r.loginHint}
                readOnly
              />
              <script
                type="application/json"
                id="login-translit"
                dangerouslySetInnerHTML={{ __html: JSON.stringify(TRANSLIT) }}
              />
              {bound('binIin', r.binIin, { inputMode: 'numeric', maxLength: 12, required: true })}
              {bound('contract', r.contract, { maxLength: 40, required: true })}
            </>
          ) : (
            <>
              {bound('firstName', r.firstName, {
                autocomplete: 'given-name',
                maxLength: 100,
                required: true,
              })}
              {bound('lastName', r.lastName, {
                hint: r.lastNameHint,
                autocomplete: 'family-name',
                maxLength: 100,
                required: true,
              })}
              {bound('account', r.account, {
                hint: r.accountHint,
                inputMode: 'numeric',
                maxLength: 8,
                required: true,
              })}
              {bound('binIin', r.iin, {
                hint: r.iinHint,
                inputMode: 'numeric',
                maxLength: 12,
                required: true,
              })}
            </>
          )}
          {bound('email', r.email, { type: 'email', autocomplete: 'email', maxLength: 200, required: true })}
          <NewPasswordFields
            locale={ctx.locale}
            passwordLabel={r.password}
            repeatLabel={r.passwordRepeat}
            errors={e}
          />
          <div class={e.consent ? 'field checkbox has-error' : 'field checkbox'}>
            <label>
              <input
                type="checkbox"
                name="consent"
                value="1"
                checked={view.consent}
                aria-invalid={e.consent ? 'true' : undefined}
                aria-describedby={e.consent ? 'f-consent-error' : undefined}
              />{' '}
              {r.consent}
              <span class="req"> *</span>
            </label>
            {e.consent ? (
              <p class="error" id="f-consent-error">
                {e.consent}
              </p>
            ) : null}
          </div>
          <button type="submit" class="primary">
            {r.submit}
          </button>
        </Form>
        <p class="login-links">
          <a href="/">{r.haveAccount}</a>
        </p>
      </div>
    </Layout>
  );
}

function UnconfirmedPage({
  ctx,
  login,
  notice,
  error,
}: {
  ctx: PageContext;
  login: string;
  notice?: string;
  error?: string;
}) {
  const r = identityText[ctx.locale].register;
  return (
    <Layout ctx={ctx} title={r.unconfirmedTitle}>
      <div class="login-box">
        {error ? (
          <Notice kind="error">{error}</Notice>
        ) : notice ? (
          <Notice kind="success">{notice}</Notice>
        ) : (
          <Notice kind="warning">{r.unconfirmed}</Notice>
        )}
        <Form action="/register/resend" csrfToken={ctx.csrfToken}>
          <Field
            name="login"
            label={identityText[ctx.locale].recovery.login}
            value={login}
            maxLength={64}
            required
          />
          <button type="submit" class="primary">
            {r.resend}
          </button>
        </Form>
      </div>
    </Layout>
  );
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
      const body = req.body as Record<string, unknown>;
      const raw = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
      const kind: CustomerKind = field(body, 'kind') === 'legal' ? 'legal' : 'individual';
      const input: RegistrationInput = {
        kind,
        firstName: field(body, 'firstName').slice(0, 100),
        lastName: field(body, 'lastName').slice(0, 100),
        account: field(body, 'account').replace(/\s/g, ''),
        binIin: field(body, 'binIin').replace(/\s/g, ''),
        contract: field(body, 'contract').slice(0, 40),
        email: field(body, 'email').slice(0, 200),
        password: raw('password'),
        passwordRepeat: raw('passwordRepeat'),
        consent: field(body, 'consent') === '1',
      };
      await perAccount(reply, kind === 'legal' ? input.binIin : input.account);
      const result = await registerCustomer(db, input, {
        locale: req.locale,
        publicUrl: config.PUBLIC_URL,
        ip: req.ip,
      });
      const ctx = pageContext(req, reply);
      if (!result.ok) {
        const { password: _p, passwordRepeat: _r, ...kept } = input;
        return sendPage(reply, <RegisterPage ctx={ctx} view={{ ...kept, errors: result.errors }} />, 400);
      }
      const r = identityText[req.locale].register;
      return sendPage(
        reply,
        <Layout ctx={ctx} title={r.sentTitle}>
          <div class="login-box">
            <Notice kind="success">{fill(r.sent, { email: result.email })}</Notice>
            {devMailboxServes(config, req) ? (
              <p>
                <a href="/dev/mailbox">/dev/mailbox</a>
              </p>
            ) : null}
          </div>
        </Layout>,
      );
    },
  );

  app.get<{ Querystring: { token?: string } }>('/register/confirm', async (req, reply) => {
    const used = await consumeToken(db, String(req.query.token ?? ''), 'confirm_email');
    if (!used) {
      await audit(db, { actorUserId: null, action: 'register.confirm_failed', ip: req.ip });
      const r = identityText[req.locale].register;
      const ctx = pageContext(req, reply);
      return sendPage(
        reply,
        <Layout ctx={ctx} title={r.unconfirmedTitle}>
          <Notice kind="error">{r.confirmFailed}</Notice>
          <p>
            <a href="/register/unconfirmed">{r.resend}</a>
          </p>
        </Layout>,
        400,
      );
    }
    await db
      .updateTable('users')
      .set((eb) => ({ email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())) }))
      .where('id', '=', used.userId)
      .execute();
    await audit(db, { actorUserId: used.userId, action: 'register.confirmed', ip: req.ip });
    return reply.redirect('/?done=confirmed', 303);
  });

  app.get<{ Querystring: { login?: string } }>('/register/unconfirmed', async (req, reply) => {
    const login = String(req.query.login ?? '').slice(0, 64);
    return sendPage(reply, <UnconfirmedPage ctx={pageContext(req, reply)} login={login} />);
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
        <UnconfirmedPage ctx={pageContext(req, reply)} login={login} error={error} />,
        429,
      );
    }
    const user = login
      ? await db
          .selectFrom('users')
          .select(['id', 'login', 'email', 'first_name', 'locale', 'email_confirmed_at'])
          .where('login', '=', login)
          .where('role', '=', 'customer')
          .executeTakeFirst()
      : undefined;
    if (user?.email && !user.email_confirmed_at) {
      await db.transaction().execute(async (tx) => {
        await sendConfirmation(tx, {
          userId: user.id,
          login: user.login,
          email: user.email ?? '',
          name: user.first_name,
          locale: req.locale,
          publicUrl: config.PUBLIC_URL,
        });
        await audit(tx, { actorUserId: user.id, action: 'register.resend', subject: login, ip: req.ip });
      });
    }
    const r = identityText[req.locale].register;
    return sendPage(reply, <UnconfirmedPage ctx={pageContext(req, reply)} login={login} notice={r.resent} />);
  });
}
