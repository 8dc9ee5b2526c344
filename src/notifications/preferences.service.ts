import { audit } from '../auth/audit';
import { setUserLocale } from '../auth/users.queries';
import type { DB } from '../db/database';
import type { Locale, NotificationKind } from '../db/schema';
import { setPreference } from './notifications.queries';
import { PREFERENCE_KINDS } from './schedule';
import { readUnsubscribeToken } from './unsubscribe-token';

/**
 * Saves which reminders and alerts a customer wants and the language of the messages: every
 * kind on the page is set on or off (a kind left unticked is off), in one transaction, audited.
 */
export async function savePreferences(
  db: DB,
  userId: number,
  choice: { enabled: readonly NotificationKind[]; locale: Locale },
  ctx: { ip: string },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const kind of PREFERENCE_KINDS) await setPreference(tx, userId, kind, choice.enabled.includes(kind));
    await setUserLocale(tx, userId, choice.locale);
    await audit(tx, {
      actorUserId: userId,
      action: 'notifications.preferences',
      ip: ctx.ip,
      details: { enabled: [...choice.enabled], locale: choice.locale },
    });
  });
}

/**
 * The one-click unsubscribe of a message's link (RFC 8058): turns the link's kind off for the
 * link's customer. Answers the kind, or null for a link that is not ours (nothing changes).
 */
export async function unsubscribe(
  db: DB,
  token: string,
  ctx: { secret: string; ip: string },
): Promise<NotificationKind | null> {
  const link = readUnsubscribeToken(ctx.secret, token);
  if (!link) return null;
  await db.transaction().execute(async (tx) => {
    await setPreference(tx, link.userId, link.kind, false);
    await audit(tx, {
      actorUserId: link.userId,
      action: 'notifications.unsubscribe',
      subject: link.kind,
      ip: ctx.ip,
    });
  });
  return link.kind;
}
