import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { common } from '../i18n/common';
import { isLocale } from '../i18n/locales';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
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
import { consumeToken, issueToken, tokenIsValid } from './one-time-tokens';
import { recordPasswordChange } from './password-changed';
import { NewPasswordFields } from './password-form.views';
import { newPasswordErrors } from './password-policy';
import { hashPassword } from './passwords';
import {
  decoyMail,
  decoyToken,
  holderAccounts,
  recoveryUserByLogin,
  recoveryUserByLoginOrEmail,
} from './recovery.queries';
import { hasIinOnRecord, proofMatches } from './recovery-proof';
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
        {e.word || e.form ? (
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
      // Known or not, the request does the same work: the same statements in one transaction
      // (for nobody they match no user and store nothing) and one audit row of the same action.
      const user = await recoveryUserByLoginOrEmail(db, value);
      const accounts = await holderAccounts(db, user?.id ?? -1);
      const holder = user?.email ? { ...user, email: user.email } : null;
      const locale = holder && isLocale(holder.locale) ? holder.locale : req.locale;
      await db.transaction().execute(async (tx) => {
        const word = holder
          ? await issueToken(tx, holder.id, 'reset_password')
          : await decoyToken(tx, 'reset_password');
        const m = identityText[locale].mail;
        const footer = common[locale].footer;
        const shown = holder ?? { id: 0, login: value, first_name: '', email_confirmed_at: null };
        const facts = fill(m.recoveryFacts, {
          id: shown.id,
          status: shown.email_confirmed_at ? m.statusActive : m.statusUnconfirmed,
          login: shown.login,
          word,
        });
        const url = `${config.PUBLIC_URL.replace(/\/$/, '')}/password/change?login=${encodeURIComponent(shown.login)}&word=${encodeURIComponent(word)}`;
        // Without an IIN on record the change form cannot be passed: say so instead of a link.
        const online = hasIinOnRecord({ accounts, iinHash: user?.iin_hash ?? null });
        const body = composeMail(locale, {
          greeting: fill(m.hello, { name: shown.first_name || shown.login }),
          paragraphs: online
            ? [m.recoveryBody, facts]
            : [fill(m.recoveryNoIin, { department: footer.department, phone: footer.phone })],
          ...(online ? { link: { url, label: m.recoveryLink } } : {}),
          footer: m.footer,
        });
        const mail = { subject: m.recoverySubject, ...body, purpose: 'password.recovery' };
        if (holder) await enqueueMail(tx, { to: holder.email, ...mail });
        else await decoyMail(tx, mail);
        await audit(tx, {
          actorUserId: user?.id ?? null,
          action: 'password.reset_requested',
          subject: value,
          ip: req.ip,
        });
      });
      return sendPage(
        reply,
        <ForgotPage ctx={ctx} value={value} sent devMailbox={devMailboxServes(config, req)} />,
      );
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

      // Every part is checked, whatever fails first, and any failure reads the same (decision 064).
      const user = await recoveryUserByLogin(db, view.login ?? '');
      const wordOk = await tokenIsValid(db, view.word ?? '', 'reset_password', user?.id ?? -1);
      const accounts = await holderAccounts(db, user?.id ?? -1);
      const dataOk = await proofMatches(
        { accounts, iinHash: user?.iin_hash ?? null },
        { account: view.account ?? '', binIin: view.binIin ?? '' },
      );
      if (!user || !wordOk || !dataOk) {
        await audit(db, {
          actorUserId: user?.id ?? null,
          action: 'password.reset_refused',
          subject: view.login,
          ip: req.ip,
          details: { word: wordOk, data: dataOk },
        });
        return refuse({ form: t.recovery.refused });
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
      if (!done) return refuse({ form: t.recovery.refused });
      await destroyUserSessions(db, user.id);
      return reply.redirect('/?done=password', 303);
    },
  );
}
