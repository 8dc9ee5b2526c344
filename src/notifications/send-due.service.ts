import { formatAddress } from '../accounts/accounts.queries';
import {
  addDays,
  addMonths,
  daysBetween,
  dueDate,
  firstDayAfter,
  monthStart,
  monthsBetween,
  periodOfDay,
} from '../calendar/calendar';
import type { DB } from '../db/database';
import type { NotificationKind } from '../db/schema';
import { formatDate, formatPeriod } from '../i18n/locales';
import { formatM3, type Litres } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { consumptionLimits } from '../readings/consumption-limits';
import { limitOverL } from '../readings/large-consumption';
import { emailChannel, type NotificationChannel } from './channel';
import { notificationText } from './notifications.messages';
import {
  consumptionRecipients,
  linkSentToOutbox,
  newestClosedPeriod,
  paymentRecipients,
  type Recipient,
  readingsReminderRecipients,
  recordSent,
  verificationRecipients,
} from './notifications.queries';
import {
  paymentStage,
  type ReminderSettings,
  readingsReminderPeriod,
  today,
  verificationStage,
  windowLastDate,
} from './schedule';
import { unsubscribeToken } from './unsubscribe-token';

export interface NotifyDeps {
  publicUrl: string;
  /** The readings rule's threshold for meters without history (READING_CONFIRM_M3), litres. */
  fixedLargeL: Litres;
  /** Signs the unsubscribe links (the session secret). */
  secret: string;
  reminders: ReminderSettings;
  channel?: NotificationChannel;
}

export type SentPerKind = Record<NotificationKind, number>;

/** What one message says, before it is addressed. */
interface Draft {
  kind: NotificationKind;
  subjectKey: string;
  mail: { subject: string; paragraphs: string[]; link: string };
  path: string;
}

/**
 * Sends every reminder and alert due on the Almaty day of `now` (docs/decisions/151): readings
 * reminders, verification dates, payment due and overdue. Each message is recorded in
 * notifications_sent and queued in the same transaction; the record's unique key makes a second
 * run — the next day, another app process, a restart — skip what went out. Safe to run any
 * number of times a day.
 */
export async function sendDueNotifications(db: DB, now: Date, deps: NotifyDeps): Promise<SentPerKind> {
  const day = today(now);
  const sent: SentPerKind = {
    readings_reminder: 0,
    verification_due: 0,
    high_consumption: 0,
    payment_due: 0,
  };
  const send = async (r: Recipient, draft: Draft) => {
    if (await deliver(db, r, draft, deps)) sent[draft.kind] += 1;
  };
  for (const [r, draft] of await readingsReminders(db, day, deps.reminders)) await send(r, draft);
  for (const [r, draft] of await verificationAlerts(db, day)) await send(r, draft);
  for (const [r, draft] of await consumptionAlerts(db, day, deps.fixedLargeL)) await send(r, draft);
  for (const [r, draft] of await paymentMessages(db, day)) await send(r, draft);
  return sent;
}

async function readingsReminders(
  db: DB,
  day: string,
  settings: ReminderSettings,
): Promise<[Recipient, Draft][]> {
  const period = readingsReminderPeriod(day, settings);
  if (!period) return [];
  return (await readingsReminderRecipients(db, period)).map((r) => [
    r,
    {
      kind: 'readings_reminder',
      subjectKey: `${r.accountId}:${period}`,
      path: `/cabinet/readings?account=${r.number}`,
      mail: notificationText[r.locale].reminder({
        number: r.number,
        address: formatAddress(r),
        month: formatPeriod(r.locale, period),
        lastDay: formatDate(windowLastDate(period, settings)),
      }),
    },
  ]);
}

async function verificationAlerts(db: DB, day: string): Promise<[Recipient, Draft][]> {
  const from = addDays(day, -7);
  const to = addDays(day, 60);
  const out: [Recipient, Draft][] = [];
  for (const r of await verificationRecipients(db, from, to)) {
    const stage = verificationStage(r.verificationDue, day);
    if (stage === null) continue;
    const facts = {
      number: r.number,
      address: formatAddress(r),
      serial: r.serial,
      water: r.water,
      date: formatDate(r.verificationDue),
      daysLeft: daysBetween(day, r.verificationDue),
    };
    const t = notificationText[r.locale];
    out.push([
      r,
      {
        kind: 'verification_due',
        subjectKey: `${r.meterId}:${r.verificationDue}:${stage}`,
        path: `/cabinet/readings?account=${r.number}`,
        mail: stage === 0 ? t.verificationLapsed(facts) : t.verificationAhead(facts),
      },
    ]);
  }
  return out;
}

/**
 * A month's reading far above the meter's own history, by the rule the readings form asks to
 * confirm with (src/readings/large-consumption.ts): once per meter and month.
 */
async function consumptionAlerts(db: DB, day: string, fixedL: Litres): Promise<[Recipient, Draft][]> {
  const period = periodOfDay(day);
  const candidates = await consumptionRecipients(db, period);
  if (!candidates.length) return [];
  const limitOf = await consumptionLimits(
    db,
    candidates.map((c) => ({ meterId: c.meterId, period })),
    fixedL,
  );
  const out: [Recipient, Draft][] = [];
  for (const r of candidates) {
    const limit = limitOf(r.meterId, period);
    const months = Math.max(1, monthsBetween(periodOfDay(r.previousPeriod), period));
    const volume = r.valueL - r.previousL;
    if (volume <= limitOverL(limit, months)) continue;
    out.push([
      r,
      {
        kind: 'high_consumption',
        subjectKey: `${r.meterId}:${period}`,
        path: `/cabinet/readings/history?account=${r.number}`,
        mail: notificationText[r.locale].highConsumption({
          number: r.number,
          address: formatAddress(r),
          serial: r.serial,
          water: r.water,
          month: formatPeriod(r.locale, period),
          volume: formatM3(volume),
          usual: limit.medianL === null ? null : formatM3(limit.medianL),
          limit: formatM3(limit.perMonthL),
        }),
      },
    ]);
  }
  return out;
}

async function paymentMessages(db: DB, day: string): Promise<[Recipient, Draft][]> {
  const period = await newestClosedPeriod(db);
  // Only the month just closed: an old bill's reminder would come weeks late.
  if (!period || day < firstDayAfter(period) || day > monthStart(addMonths(period, 2))) return [];
  const stage = paymentStage(period, day);
  return (await paymentRecipients(db, period, firstDayAfter(period), day)).map((r) => {
    const t = notificationText[r.locale];
    const facts = {
      number: r.number,
      address: formatAddress(r),
      month: formatPeriod(r.locale, period),
      amount: formatTiyn(r.dueTiyn),
      dueDate: formatDate(dueDate(period)),
    };
    return [
      r,
      {
        kind: 'payment_due',
        subjectKey: `${r.accountId}:${period}:${stage}`,
        path:
          stage === 'due'
            ? `/cabinet/invoice?period=${period}&account=${r.number}`
            : `/cabinet/settlement?account=${r.number}`,
        mail: stage === 'due' ? t.paymentDue(facts) : t.paymentOverdue(facts),
      },
    ];
  });
}

/** Records and queues one message in one transaction; false when it went out before. */
async function deliver(db: DB, r: Recipient, draft: Draft, deps: NotifyDeps): Promise<boolean> {
  const channel = deps.channel ?? emailChannel;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const unsubscribeUrl = `${base}/unsubscribe/${unsubscribeToken(deps.secret, r.userId, draft.kind)}`;
  const preferencesUrl = `${base}/cabinet/notifications`;
  return db.transaction().execute(async (tx) => {
    const id = await recordSent(tx, {
      userId: r.userId,
      accountId: r.accountId,
      kind: draft.kind,
      subjectKey: draft.subjectKey,
    });
    if (id === null) return false;
    const queued = await channel.queue(tx, {
      userId: r.userId,
      email: r.email,
      locale: r.locale,
      kind: draft.kind,
      subject: draft.mail.subject,
      paragraphs: draft.mail.paragraphs,
      link: { url: `${base}${draft.path}`, label: draft.mail.link },
      unsubscribeUrl,
      preferencesUrl,
      footer: notificationText[r.locale].footer(unsubscribeUrl, preferencesUrl),
      dedupeKey: `notify:${r.userId}:${draft.kind}:${draft.subjectKey}`,
    });
    await linkSentToOutbox(tx, id, queued);
    return true;
  });
}
