import type { Locale } from '../i18n/locales';
import { Field } from '../web/forms';
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
