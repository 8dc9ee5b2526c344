import type { DB } from '../db/database';
import { fill, type Locale } from '../i18n/locales';
import { identityText } from './identity.messages';
import { loginThrottleState } from './login-throttle';

/**
 * Whether the password, asked again on a form of a signed-in user (or of an unconfirmed
 * registration), may be checked now, and if not, why in the user's language. A session in the
 * wrong hands must not become a way around the login's throttle (decision 063): a waiting client
 * is refused, and so is every client while the login is protected after many failures, when the
 * password alone opens nothing at the login either.
 */
export async function passwordRecheckRefusal(
  db: DB,
  login: string,
  ip: string,
  locale: Locale,
): Promise<string | undefined> {
  const t = identityText[locale].login;
  const state = await loginThrottleState(db, login, ip);
  if (state.kind === 'wait') return fill(t.wait, { minutes: Math.ceil(state.seconds / 60) });
  if (state.protected) return t.recheckProtected;
  return undefined;
}
