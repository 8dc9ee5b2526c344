import { fill } from '../i18n/locales';
import { CheckboxField, CurrentPasswordField, Field, Form, SubmitButton } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { identityText } from './identity.messages';
import { PasswordChangeForm } from './password-form.views';

export type Notices = { kind: 'success' | 'info' | 'error'; text: string } | undefined;

export function EmailPage({
  ctx,
  current,
  pending,
  value,
  errors = {},
  notice,
}: {
  ctx: PageContext;
  current: string | null;
  pending: string | null;
  value?: string;
  errors?: Partial<Record<'email' | 'current', string>>;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].email;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <dl class="facts">
        <div>
          <dt>{t.current}</dt>
          <dd>{current ?? t.none}</dd>
        </div>
        {pending ? (
          <div>
            <dt>{t.newEmail}</dt>
            <dd>{fill(t.pending, { email: pending })}</dd>
          </div>
        ) : null}
      </dl>
      <Form action="/cabinet/email" csrfToken={ctx.csrfToken}>
        <Field
          name="email"
          type="email"
          label={t.newEmail}
          value={value}
          error={errors.email}
          autocomplete="email"
          maxLength={200}
          required
        />
        <CurrentPasswordField label={t.password} hint={t.passwordHint} error={errors.current} />
        <SubmitButton>{t.submit}</SubmitButton>
      </Form>
    </Layout>
  );
}

export function PasswordPage({
  ctx,
  errors = {},
  notice,
}: {
  ctx: PageContext;
  errors?: Partial<Record<'current' | 'password' | 'passwordRepeat', string>>;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].password;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <PasswordChangeForm
        ctx={ctx}
        action="/cabinet/password"
        labels={{ password: t.newPassword, repeat: t.repeat, submit: t.submit }}
        errors={errors}
      >
        <CurrentPasswordField label={t.current} error={errors.current} />
      </PasswordChangeForm>
    </Layout>
  );
}

export function SubscriptionsPage({
  ctx,
  invoices,
  announcements,
  hasEmail,
  notice,
}: {
  ctx: PageContext;
  invoices: boolean;
  announcements: boolean;
  hasEmail: boolean;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].subscriptions;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {hasEmail ? null : (
        <Notice kind="info">
          {t.noEmail} <a href="/cabinet/email">{identityText[ctx.locale].email.title}</a>
        </Notice>
      )}
      <Form action="/cabinet/subscriptions" csrfToken={ctx.csrfToken}>
        <CheckboxField name="invoices" label={t.invoices} checked={invoices} />
        <CheckboxField name="announcements" label={t.announcements} checked={announcements} />
        <SubmitButton>{t.submit}</SubmitButton>
      </Form>
      <p>
        <a href="/cabinet/notifications">{t.notifications}</a>
      </p>
    </Layout>
  );
}

/** A change-of-address link that is used, expired or names an address taken meanwhile. */
export function EmailConfirmFailedPage({ ctx }: { ctx: PageContext }) {
  const t = identityText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.email.title}>
      <Notice kind="error">{t.register.confirmFailed}</Notice>
    </Layout>
  );
}
