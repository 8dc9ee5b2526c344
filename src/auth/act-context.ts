import type { Locale } from '../i18n/locales';

/** What a use case of the identity area needs to know about the request that asks for it. */
export interface ActContext {
  /** The language of the page (and of mails that go to the person at the browser). */
  locale: Locale;
  /** The client address, for the audit log and the login throttle. */
  ip: string;
  /** The portal's public address, for links in mails. */
  publicUrl: string;
}
