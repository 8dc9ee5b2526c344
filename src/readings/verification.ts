import { daysBetween } from '../calendar/calendar';

/** Customers are warned this many days before a meter's verification falls due. */
export const VERIFICATION_WARNING_DAYS = 60;

export type VerificationState =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'soon'; due: string; daysLeft: number }
  | { kind: 'overdue'; due: string };

/**
 * Where a meter stands with its metrological verification on `today` ('YYYY-MM-DD').
 * The due date itself is still in time; from the day after, readings are billed by norm
 * until an operator records a new verification (SPEC.md section 4).
 */
export function verificationState(due: string | null, today: string): VerificationState {
  if (!due) return { kind: 'unknown' };
  const daysLeft = daysBetween(today, due);
  if (daysLeft < 0) return { kind: 'overdue', due };
  if (daysLeft <= VERIFICATION_WARNING_DAYS) return { kind: 'soon', due, daysLeft };
  return { kind: 'ok' };
}
