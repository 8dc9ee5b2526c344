import { common } from '../i18n/common';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { identityText } from './identity.messages';

/**
 * The paragraph of a security notice that says how to report it: the subscriber department's
 * address and phone, and the "Ask a question" page, in the user's language.
 */
export function reportText(locale: Locale, publicUrl: string): string {
  const footer = common[locale].footer;
  return fill(identityText[locale].mail.report, {
    department: footer.department,
    phone: footer.phone,
    url: `${publicUrl.replace(/\/$/, '')}/ask`,
  });
}
