import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { boundFields, Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { perValueLimit } from '../web/rate-limit';
import { type PageContext, pageContext } from '../web/request-context';
import { audit } from './audit';
import { fill, identityText } from './identity.messages';
import { isValidIinBin } from './iin';
import { legalLoginFromContract } from './legal-login';
import { NewPasswordFields } from './new-password-fields';
import { consumeToken, issueToken, tokenIsValid } from './one-time-tokens';
import { recordPasswordChange } from './password-changed';
import { newPasswordErrors } from './password-policy';
import { hashPassword } from './passwords';
import { destroyUserSessions } from './sessions';

interface ChangeView {
  binIin?: string;
  account?: string;
  login?: string;
  word?: string;
  errors?: Partial<
    Record<'binIin' | 'account' | 'login' | 'word' | 'password' | 'passwordRepeat' | 'form', string>
  >;
}

function ForgotPage({
  ctx,
  value,
  sent,
  devMailbox,
}: {
  ctx: PageContext;
  value?: string;
  sent?: boolean;
  devMailbox?: boolean;
}) {
  const t = identityText[ctx.locale].recovery;
  return (
    <Layout ctx={ctx} title={t.title}>
      <div class="login-box">
        {sent ? <Notice kind="success">{t.sent}</Notice> : <p class="lead">{t.intro}</p>}
        {sent && devMailbox ? (
          <p>
            <a href="/dev/mailbox">/dev/mailbox</a>
          </p>
        ) : null}
        <Form action="/password/forgot" csrfToken={ctx.csrfToken}>
          <Field
            name="loginOrEmail"
            label={t.loginOrEmail}
            value={value}
            autocomplete="username"
            maxLength={200}
            required
          />
          <button type="submit" class="primary">
            {t.submit}
          </button>
        </Form>
      </div>
    </Layout>
  );
}

function ChangePage({ ctx, view }: { ctx: PageContext; view: ChangeView }) {
  const t = identityText[ctx.locale].recovery;
  const e = view.errors ?? {};
  const bound = boundFields(view, e);
  return (
    <Layout ctx={ctx} title={t.changeTitle}>
      <div class="login-box">
        {e.form ? <Notice kind="error">{e.form}</Notice> : null}
        {e.word ? (
          <p>
            <a href="/password/forgot">{t.again}</a>
          </p>
        ) : null}
        <Form action="/password/change" csrfToken={ctx.csrfToken}>
          {bound('binIin', t.binIin, { inputMode: 'numeric', maxLength: 12, required: true })}
          {bound('account', t.accountOrContract, { maxLength: 40, required: true })}
          {bound('login', t.login, { autocomplete: 'username', maxLength: 64, required: true })}
          <Field name="word" label={t.checkWord} value={view.word} error={e.word} maxLength={100} required />
          <NewPasswordFields
            locale={ctx.locale}
            passwordLabel={t.newPassword}
            repeatLabel={t.repeat}
            errors={e}
          />
          <button type="submit" class="primary">
            {t.change}
          </button>
        </Form>
      </div>
    </Layout>
  );
}

export async function recoveryRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const perValue = perValueLimit(db, 'recovery', { max: 5, timeWindowMs: 3600_000 });
  const perLogin = perValueLimit(db, 'recovery.change', { max: 10, timeWindowMs: 3600_000 });

  app.get('/password/forgot', async (req, reply) =>
    sendPage(reply, <ForgotPage ctx={pageContext(req, reply)} />),
  );

  app.post(
    '/password/forgot',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const value = field(req.body, 'loginOrEmail').slice(0, 200);
      const ctx = pageContext(req, reply);
      if (!value) return sendPage(reply, <ForgotPage ctx={ctx} />, 400);
      await perValue(reply, value);
      const user = await db
        .selectFrom('users')
        .select(['id', 'login', 'email', 'first_name', 'locale', 'email_confirmed_at'])
        .where('role', '=', 'customer')
        .where((eb) =>
          value.includes('@')
            ? eb(eb.fn('lower', ['email']), '=', value.toLowerCase())
            : eb('login', '=', value),
        )
        .executeTakeFirst();
      if (user?.email) {
        const email = user.email;
        await db.transaction().execute(async (tx) => {
          const word = await issueToken(tx, user.id, 'reset_password');
          const m = identityText[user.locale as 'kk' | 'ru' | 'en'].mail;
          const url = `${config.PUBLIC_URL.replace(/\/$/, '')}/password/change?login=${encodeURIComponent(user.login)}&word=${encodeURIComponent(word)}`;
          const body = composeMail(user.locale as 'kk', {
            greeting: fill(m.hello, { name: user.first_name || user.login }),
            paragraphs: [
              m.recoveryBody,
              fill(m.recoveryFacts, {
                id: user.id,
                status: user.email_confirmed_at ? m.statusActive : m.statusUnconfirmed,
                login: user.login,
                word,
              }),
            ],
            link: { url, label: m.recoveryLink },
            footer: m.footer,
          });
          await enqueueMail(tx, {
            to: email,
            subject: m.recoverySubject,
            ...body,
            purpose: 'password.recovery',
          });
          await audit(tx, {
            actorUserId: user.id,
            action: 'password.reset_requested',
            subject: value,
            ip: req.ip,
          });
        });
      } else {
        await audit(db, { actorUserId: null, action: 'password.reset_unknown', subject: value, ip: req.ip });
      }
      return sendPage(reply, <ForgotPage ctx={ctx} value={value} sent devMailbox={!config.SMTP_URL} />);
    },
  );

  app.get<{ Querystring: { login?: string; word?: string } }>('/password/change', async (req, reply) => {
    const word = String(req.query.word ?? '').slice(0, 100);
    const view: ChangeView = { login: String(req.query.login ?? '').slice(0, 64), word };
    if (word && !(await tokenIsValid(db, word, 'reset_password'))) {
      view.errors = { word: identityText[req.locale].recovery.wordInvalid };
    }
    return sendPage(reply, <ChangePage ctx={pageContext(req, reply)} view={view} />);
  });

  app.post(
    '/password/change',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const t = identityText[req.locale];
      const body = req.body as Record<string, unknown>;
      const raw = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
      const view: ChangeView = {
        binIin: field(body, 'binIin').replace(/\s/g, '').slice(0, 12),
        account: field(body, 'account').slice(0, 40),
        login: field(body, 'login').slice(0, 64),
        word: field(body, 'word').slice(0, 100),
      };
      const password = raw('password');
      const repeat = raw('passwordRepeat');
      const errors: NonNullable<ChangeView['errors']> = {};
      if (!view.binIin) errors.binIin = t.required;
      else if (!isValidIinBin(view.binIin)) errors.binIin = t.register.badBin;
      if (!view.account) errors.account = t.required;
      if (!view.login) errors.login = t.required;
      if (!view.word) errors.word = t.required;
      Object.assign(errors, newPasswordErrors({ password, repeat, login: view.login }, t));
      const ctx = pageContext(req, reply);
      const refuse = (e: ChangeView['errors']) =>
        sendPage(reply, <ChangePage ctx={ctx} view={{ ...view, errors: e }} />, 400);
      if (Object.keys(errors).length > 0) return refuse(errors);
      await perLogin(reply, view.login ?? '');

      const user = await db
        .selectFrom('users')
        .select(['id', 'login', 'email', 'first_name', 'locale'])
        .where('login', '=', view.login ?? '')
        .where('role', '=', 'customer')
        .executeTakeFirst();
      if (!user || !(await tokenIsValid(db, view.word ?? '', 'reset_password', user.id))) {
        await audit(db, {
          actorUserId: user?.id ?? null,
          action: 'password.reset_refused',
          subject: view.login,
          ip: req.ip,
        });
        return refuse({ word: t.recovery.wordInvalid });
      }
      // The IIN/BIN and account (or contract) must belong to this user's account.
      const accounts = await db
        .selectFrom('user_accounts')
        .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
        .select(['accounts.number', 'accounts.contract_number', 'accounts.bin_iin'])
        .where('user_accounts.user_id', '=', user.id)
        .execute();
      const wanted = legalLoginFromContract(view.account ?? '');
      const matches = accounts.some(
        (a) =>
          (a.number === view.account ||
            (a.contract_number !== null &&
              wanted !== '' &&
              legalLoginFromContract(a.contract_number) === wanted)) &&
          (a.bin_iin === null || a.bin_iin === view.binIin),
      );
      if (!matches) {
        await audit(db, {
          actorUserId: user.id,
          action: 'password.reset_mismatch',
          subject: view.login,
          ip: req.ip,
        });
        return refuse({ form: t.recovery.dataMismatch });
      }
      const hash = await hashPassword(password);
      const done = await db.transaction().execute(async (tx) => {
        const used = await consumeToken(tx, view.word ?? '', 'reset_password', user.id);
        if (!used) return false;
        await tx
          .updateTable('users')
          .set((eb) => ({
            password_hash: hash,
            failed_logins: 0,
            locked_until: null,
            updated_at: new Date(),
            // The link came through the email, so the address is proven.
            email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())),
          }))
          .where('id', '=', user.id)
          .execute();
        await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
        await recordPasswordChange(tx, user, 'password.reset', req.ip, config.PUBLIC_URL);
        return true;
      });
      if (!done) return refuse({ word: t.recovery.wordInvalid });
      await destroyUserSessions(db, user.id);
      return reply.redirect('/?done=password', 303);
    },
  );
}
