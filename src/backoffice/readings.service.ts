import { shareMonth } from '../billing/month-lock.queries';
import type { DB } from '../db/database';
import { formatDate, formatPeriod, type Locale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { formatMeterReading } from '../money/litres';
import { auditStaff, type StaffActor } from './actor';
import { reviewText } from './readings.messages';
import {
  meterWithAccount,
  periodOfReading,
  reviewFlaggedReading,
  usersWithEmailOfAccount,
} from './readings.queries';

export type ReviewOutcome = 'accepted' | 'rejected' | 'already';

/**
 * An operator's decision on a flagged reading: the reading is accepted or rejected (once: a
 * reading reviewed already answers 'already'), every cabinet user of the account with an email is
 * told in their language, and the decision is audited, all in one transaction.
 */
export function reviewReading(
  db: DB,
  input: { id: number; decision: 'accept' | 'reject'; note: string; actor: StaffActor },
): Promise<ReviewOutcome> {
  const { id, decision, note, actor } = input;
  return db.transaction().execute(async (tx) => {
    const period = await periodOfReading(tx, id);
    if (period === undefined) return 'already' as const;
    // Not while the month is being closed; after it, an accepted reading of a closed month is
    // billed as a recalculation, by the time of this decision (taken after the lock).
    await shareMonth(tx, period);
    const accept = decision === 'accept';
    const updated = await reviewFlaggedReading(tx, {
      id,
      accept,
      note: note || null,
      reviewerId: actor.userId,
    });
    if (!updated) return 'already' as const;
    const meter = await meterWithAccount(tx, updated.meter_id);
    const customers = await usersWithEmailOfAccount(tx, meter.accountId);
    for (const c of customers) {
      const mail = reviewMail(c.locale, { accept, note, meter, reading: updated });
      await enqueueMail(tx, {
        to: c.email ?? '',
        ...mail,
        purpose: `reading.${accept ? 'accepted' : 'rejected'}`,
        dedupeKey: `reading-review:${updated.id}:${c.id}`,
      });
    }
    await auditStaff(tx, actor, `reading.${decision}`, meter.number, {
      readingId: updated.id,
      serial: meter.serial,
      value: formatMeterReading(updated.value_l),
      note,
    });
    return accept ? ('accepted' as const) : ('rejected' as const);
  });
}

/** The mail telling a customer of the decision on their reading. */
function reviewMail(
  locale: Locale,
  r: {
    accept: boolean;
    note: string;
    meter: { number: string; serial: string };
    reading: { period: string; value_l: number; read_on: string };
  },
): { subject: string; text: string } {
  const m = reviewText[locale];
  const lines = [
    r.accept ? m.mailAccepted : `${m.mailRejected} ${r.note}`,
    '',
    `${m.account}: ${r.meter.number}`,
    `${m.meter}: ${r.meter.serial}`,
    `${m.period}: ${formatPeriod(locale, r.reading.period)}`,
    `${m.value}: ${formatMeterReading(r.reading.value_l)} (${formatDate(r.reading.read_on)})`,
  ];
  if (r.accept && r.note) lines.push('', r.note);
  if (!r.accept) lines.push('', m.mailAgain);
  return {
    subject: r.accept ? m.mailAcceptedSubject : m.mailRejectedSubject,
    text: `${lines.join('\n')}\n`,
  };
}
