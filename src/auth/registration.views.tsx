import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { boundFields, Field, Form } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { identityText } from './identity.messages';
import { legalLoginFromContract, TRANSLIT } from './legal-login';
import { NewPasswordFields } from './password-form.views';
import type { CustomerKind, RegistrationField, RegistrationInput } from './registration.service';

export type RegistrationView = Partial<Omit<RegistrationInput, 'password' | 'passwordRepeat'>> & {
  kind: CustomerKind;
  errors?: Partial<Record<RegistrationField, string>>;
};

/** A company's fields: the login made from the contract number, the BIN and the contract. */
function LegalFields({ view, locale }: { view: RegistrationView; locale: Locale }) {
  const r = identityText[locale].register;
  const bound = boundFields(view, view.errors ?? {});
  return (
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
  );
}

/** A household's fields: the holder's names, the account number and the IIN. */
function IndividualFields({ view, locale }: { view: RegistrationView; locale: Locale }) {
  const r = identityText[locale].register;
  const bound = boundFields(view, view.errors ?? {});
  return (
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
  );
}

export function RegisterPage({ ctx, view }: { ctx: PageContext; view: RegistrationView }) {
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
            <LegalFields view={view} locale={ctx.locale} />
          ) : (
            <IndividualFields view={view} locale={ctx.locale} />
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
            <p class="hint">
              <a href="/privacy">{r.consentLink}</a>
            </p>
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

/** What the address-correction form shows again after a refusal: the typed values, the errors. */
export interface CorrectionView {
  login?: string;
  email?: string;
  errors?: Partial<Record<'login' | 'password' | 'email' | 'form', string>>;
}

/**
 * A registration whose address is not confirmed: mail the link again, or (after proving the
 * password) correct an address mistyped at registration.
 */
export function UnconfirmedPage({
  ctx,
  login,
  hours,
  notice,
  error,
  correction,
}: {
  ctx: PageContext;
  login: string;
  hours: number;
  notice?: string | undefined;
  error?: string | undefined;
  correction?: CorrectionView | undefined;
}) {
  const t = identityText[ctx.locale];
  const r = t.register;
  const ce = correction?.errors ?? {};
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
        <p>{fill(r.expiryNote, { hours })}</p>
        <Form action="/register/resend" csrfToken={ctx.csrfToken}>
          <Field name="login" label={t.recovery.login} value={login} maxLength={64} required />
          <button type="submit" class="primary">
            {r.resend}
          </button>
        </Form>
        <section aria-labelledby="correct-title">
          <h2 id="correct-title">{r.correctTitle}</h2>
          <p>{r.correctIntro}</p>
          {ce.form ? <Notice kind="error">{ce.form}</Notice> : null}
          <Form action="/register/correct" csrfToken={ctx.csrfToken}>
            <Field
              name="correctLogin"
              label={t.recovery.login}
              value={correction?.login ?? login}
              error={ce.login}
              maxLength={64}
              autocomplete="username"
              required
            />
            <Field
              name="password"
              type="password"
              label={r.correctPassword}
              error={ce.password}
              autocomplete="current-password"
              required
            />
            <Field
              name="email"
              type="email"
              label={r.correctEmail}
              value={correction?.email}
              error={ce.email}
              autocomplete="email"
              maxLength={200}
              required
            />
            <button type="submit">{r.correctSubmit}</button>
          </Form>
        </section>
      </div>
    </Layout>
  );
}

/** After a registration: the link is on its way to the address given. */
export function RegistrationSentPage({
  ctx,
  email,
  devMailbox,
}: {
  ctx: PageContext;
  email: string;
  devMailbox: boolean;
}) {
  const r = identityText[ctx.locale].register;
  return (
    <Layout ctx={ctx} title={r.sentTitle}>
      <div class="login-box">
        <Notice kind="success">{fill(r.sent, { email })}</Notice>
        {devMailbox ? (
          <p>
            <a href="/dev/mailbox">/dev/mailbox</a>
          </p>
        ) : null}
      </div>
    </Layout>
  );
}

/** A confirmation link that is used, expired or unknown. */
export function ConfirmFailedPage({ ctx }: { ctx: PageContext }) {
  const r = identityText[ctx.locale].register;
  return (
    <Layout ctx={ctx} title={r.unconfirmedTitle}>
      <Notice kind="error">{r.confirmFailed}</Notice>
      <p>
        <a href="/register/unconfirmed">{r.resend}</a>
      </p>
    </Layout>
  );
}
