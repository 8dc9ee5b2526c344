import { boundFields, Field, Form, SubmitButton } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { identityText } from './identity.messages';
import { PasswordChangeForm } from './password-form.views';

export interface ChangeView {
  binIin?: string;
  account?: string;
  login?: string;
  word?: string;
  errors?: Partial<
    Record<'binIin' | 'account' | 'login' | 'word' | 'password' | 'passwordRepeat' | 'form', string>
  >;
}

export function ForgotPage({
  ctx,
  value,
  sent,
  devMailbox,
  error,
}: {
  ctx: PageContext;
  value?: string;
  sent?: boolean;
  devMailbox?: boolean;
  /** Said next to the field: nothing was typed. */
  error?: string;
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
            error={error}
          />
          <SubmitButton>{t.submit}</SubmitButton>
        </Form>
      </div>
    </Layout>
  );
}

export function ChangePage({ ctx, view }: { ctx: PageContext; view: ChangeView }) {
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
        <PasswordChangeForm
          ctx={ctx}
          action="/password/change"
          labels={{ password: t.newPassword, repeat: t.repeat, submit: t.change }}
          errors={e}
        >
          {bound('binIin', t.binIin, { inputMode: 'numeric', maxLength: 12, required: true })}
          {bound('account', t.accountOrContract, { maxLength: 40, required: true })}
          {bound('login', t.login, { autocomplete: 'username', maxLength: 64, required: true })}
          <Field name="word" label={t.checkWord} value={view.word} error={e.word} maxLength={100} required />
        </PasswordChangeForm>
      </div>
    </Layout>
  );
}
