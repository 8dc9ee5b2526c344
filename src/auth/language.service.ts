import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { setUserLocale } from './users.queries';

/**
 * A signed-in user picks the site's language (the language links of every page): it is kept on
 * the user, so the mails sent to them and the pages after their next login speak it too. The
 * cookie that keeps it for the browser is the route's part.
 */
export async function chooseLanguage(db: DB, userId: number, locale: Locale): Promise<void> {
  await setUserLocale(db, userId, locale);
}
