import type { ComponentChildren } from 'preact';
import type { Locale } from '../i18n/locales';
import { Field, Form } from '../web/forms';
import type { PageContext } from '../web/request-context';
import { identityText } from './identity.messages';

/** The "new password" and "repeat it" inputs shared by registration, recovery and the password page. */
export function NewPasswordFields(props: {
  locale: Locale;
  passwordLabel: string;
  repeatLabel: string;
  errors: { password?: string | undefined; passwordRepeat?: string | undefined };
}) {
  return (
    <>
      <Field
        name="password"
        type="password"
        label={props.passwordLabel}
        hint={identityText[props.locale].register.passwordHint}
        error={props.errors.password}
        autocomplete="new-password"
        maxLength={200}
        required
      />
      <Field
        name="passwordRepeat"
        type="password"
        label={props.repeatLabel}
        error={props.errors.passwordRepeat}
        autocomplete="new-password"
        maxLength={200}
        required
      />
    </>
  );
}

/**
 * The password-change form of recovery and of the cabinet's password page: what proves the
 * person (the children: check word and holder data, or the current password), the new password
 * twice, and the submit button.
 */
export function PasswordChangeForm(props: {
  ctx: PageContext;
  action: string;
  /** The texts of the form: the new password's label, its repeat's label, the button. */
  labels: { password: string; repeat: string; submit: string };
  errors: { password?: string | undefined; passwordRepeat?: string | undefined };
  children: ComponentChildren;
}) {
  return (
    <Form action={props.action} csrfToken={props.ctx.csrfToken}>
      {props.children}
      <NewPasswordFields
        locale={props.ctx.locale}
        passwordLabel={props.labels.password}
        repeatLabel={props.labels.repeat}
        errors={props.errors}
      />
      <button type="submit" class="primary">
        {props.labels.submit}
      </button>
    </Form>
  );
}
