import type { FastifyRequest } from 'fastify';
import type { DB } from '../db/database';
import { defineMessages, type Locale } from '../i18n/locales';
import { hitCounters } from './rate-limit.queries';

/**
 * Limits of an action that sends mail or moves money: per user (or what the action is for, e.g. an
 * email address typed in a public form) and per client address, each in a fixed window counted in
 * the rate_limits table (the client's window is `clientWindowMs` when given), both in one statement. Every attempt counts. `hit` returns the seconds to wait when a limit is
 * passed, 0 when the action may run; the route shows `waitMessage` next to its button.
 */
export function actionLimit(
  db: DB,
  name: string,
  options: { perUser: number; perClient: number; timeWindowMs: number; clientWindowMs?: number },
) {
  return async (req: FastifyRequest, subject?: string): Promise<number> => {
    const who = (subject ?? (req.user ? `user:${req.user.id}` : '')).trim().toLowerCase();
    const counters: [string, number, number][] = [
      [`client:${req.ip}`, options.perClient, options.clientWindowMs ?? options.timeWindowMs],
    ];
    if (who) counters.unshift([who, options.perUser, options.timeWindowMs]);
    const counted = await hitCounters(
      db,
      counters.map(([value, , windowMs]) => ({ key: `action|${name}|${value}`, windowMs })),
    );
    let wait = 0;
    counters.forEach(([, max], i) => {
      const { current, ttl } = counted[i]!;
      if (current > max) wait = Math.max(wait, Math.max(1, Math.ceil(ttl / 1000)));
    });
    return wait;
  };
}

const text = defineMessages({
  kk: {
    wait: (minutes: number) => `Бұл әрекет тым жиі қайталанды. ${minutes} минуттан кейін қайталаңыз.`,
  },
  ru: {
    wait: (minutes: number) => `Это действие повторялось слишком часто. Повторите через ${minutes} мин.`,
  },
  en: {
    wait: (minutes: number) =>
      `This was done too often. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  },
});

/** "Try again in N minutes" in the user's language. */
export function waitMessage(locale: Locale, seconds: number): string {
  return text[locale].wait(Math.max(1, Math.ceil(seconds / 60)));
}
