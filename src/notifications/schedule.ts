import { dayOf, daysBetween, dueDate, localDate, type Period, periodOfDay } from '../calendar/calendar';
import { NOTIFICATION_KINDS, type NotificationKind } from '../db/schema';

/**
 * When each reminder or alert is due (docs/decisions/151-notifications.md). Pure: the day is
 * given, in the utility's time zone (Asia/Almaty), so a test can walk a month day by day.
 */

export { NOTIFICATION_KINDS };

/** The kinds a customer chooses on the preferences page: every kind the daily job sends. */
export const PREFERENCE_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS;

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

export interface ReminderSettings {
  /** The last day of the month on which readings are taken (default 25). */
  windowLastDay: number;
  /** How many days before that day the reminder goes out (default 3). */
  leadDays: number;
}

/** Almaty's calendar day of an instant, 'YYYY-MM-DD'. */
export const today = (now: Date): string => localDate(now);

/**
 * The month whose readings a reminder is due for on `day`: from `leadDays` before the window's
 * last day through that day (a day the job could not run is caught up the next day), else null.
 */
export function readingsReminderPeriod(day: string, settings: ReminderSettings): Period | null {
  const dayOfMonth = Number(day.slice(8, 10));
  const last = settings.windowLastDay;
  if (dayOfMonth > last || dayOfMonth < last - settings.leadDays) return null;
  return periodOfDay(day);
}

/** The readings window's last day of a month, 'YYYY-MM-DD'. */
export function windowLastDate(period: Period, settings: ReminderSettings): string {
  return dayOf(period, settings.windowLastDay);
}

/** Verification stages: 60 and 14 days before the date, and the day it lapses (0). */
export type VerificationStage = 60 | 14 | 0;

/**
 * The stage a meter verified until `due` is in on `day`: 60 while 15-60 days are left, 14 while
 * 1-14 are left, 0 from the day itself for a week (a meter that lapsed long ago is not announced
 * again); null otherwise. Each stage is sent once, so a meter first seen 10 days before its date
 * gets only the 14-day message.
 */
export function verificationStage(due: string, day: string): VerificationStage | null {
  const left = daysBetween(day, due);
  if (left > 60) return null;
  if (left > 14) return 60;
  if (left > 0) return 14;
  if (left >= -7) return 0;
  return null;
}

/**
 * The payment messages of the newest closed month on `day`: 'due' until its due date (the 25th
 * of the next month), 'overdue' from the day after it while the debt is unpaid.
 */
export function paymentStage(closedPeriod: Period, day: string): 'due' | 'overdue' {
  return day > dueDate(closedPeriod) ? 'overdue' : 'due';
}
