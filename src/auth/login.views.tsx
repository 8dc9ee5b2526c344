import { common } from '../i18n/common';
import { CheckboxField, Field, Form, SubmitButton } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';

export interface LoginView {
  login?: string;
  remember?: boolean;
  next?: string;
  error?: string;
  fieldErrors?: { login?: string; password?: string };
  notice?: { kind: 'success' | 'info' | 'warning' | 'error'; text: string };
}

export function LoginPage({ ctx, view }: { ctx: PageContext; view: LoginView }) {
  const t = common[ctx.locale].login;
  return (
    <Layout ctx={ctx} title={t.title}>
      <div class="login-box">
        <p class="lead">{t.intro}</p>
        {view.notice ? <Notice kind={view.notice.kind}>{view.notice.text}</Notice> : null}
        {view.error ? <Notice kind="error">{view.error}</Notice> : null}
        <Form action="/login" csrfToken={ctx.csrfToken}>
          {view.next ? <input type="hidden" name="next" value={view.next} /> : null}
          <Field
            name="login"
            label={t.login}
            value={view.login}
            hint={t.loginHint}
            error={view.fieldErrors?.login}
            autocomplete="username"
            required
            maxLength={64}
          />
          <Field
            name="password"
            type="password"
            label={t.password}
            error={view.fieldErrors?.password}
            autocomplete="current-password"
            required
            maxLength={200}
          />
          <CheckboxField name="remember" label={t.remember} checked={view.remember} />
          <SubmitButton>{t.submit}</SubmitButton>
        </Form>
        <ul class="login-links">
          <li>
            <a href="/register">{t.register}</a>
          </li>
          <li>
            <a href="/password/forgot">{t.forgot}</a>
          </li>
          <li>
            <a href="/lookup">{t.getAccount}</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}
