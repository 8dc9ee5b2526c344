import { audit } from '../auth/audit';
import { isPeriod } from '../calendar/calendar';
import type { DB } from '../db/database';
import { defaultPeriod } from './invoice.service';
import { startInvoiceMailing } from './mailing';

export type OperatorMailingResult =
  /** Not a month, or a month that has not ended yet. */
  | { kind: 'badPeriod' }
  /** The action limit is passed: seconds to wait. */
  | { kind: 'limited'; wait: number }
  /** The month's mailing is already running, since then; nothing changed. */
  | { kind: 'busy'; since: Date }
  | { kind: 'started'; recipients: number };

/**
 * The use case "an operator starts a month's invoice mailing" from the back-office: the month is
 * checked, the limit counted, the mailing started (or found running), and each outcome audited.
 */
export async function startMailingAsOperator(
  db: DB,
  request: {
    period: string;
    staffUserId: number | null;
    ip: string;
    /** Counts this attempt; the seconds to wait, 0 when it may run. */
    limit: () => Promise<number>;
  },
): Promise<OperatorMailingResult> {
  const { period } = request;
  if (!isPeriod(period) || period > defaultPeriod()) return { kind: 'badPeriod' };
  const log = (action: string, details: object) =>
    audit(db, { actorUserId: request.staffUserId, action, subject: period, ip: request.ip, details });
  const wait = await request.limit();
  if (wait) {
    await log('mailing.start.limited', { wait });
    return { kind: 'limited', wait };
  }
  const { recipients, runningSince } = await startInvoiceMailing(db, null, period, request.staffUserId);
  if (runningSince) {
    await log('mailing.start.busy', { since: runningSince.toISOString() });
    return { kind: 'busy', since: runningSince };
  }
  await log('mailing.start', { recipients });
  return { kind: 'started', recipients };
}
