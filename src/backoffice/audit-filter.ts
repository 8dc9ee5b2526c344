import { addDays, startOfLocalDay } from '../calendar/calendar';
import { isCalendarDate, positiveInt } from '../web/forms';

/** The audit log's filter as typed (kept for the form). */
export interface AuditQuery {
  actor: string;
  action: string;
  from: string;
  to: string;
  before: number;
}

/** The filter as the query takes it: a time range instead of the typed dates. */
export interface AuditFilter {
  actor: string;
  action: string;
  since: Date | null;
  until: Date | null;
  before: number;
}

/**
 * Reads the audit log's query string: login and action cut to 64 characters, dates as Almaty
 * calendar days (UTC+5, `to` inclusive). A date that is not a calendar day in YYYY-MM-DD form is a field error.
 */
export function parseAuditQuery(raw: Record<string, string | undefined>): {
  q: AuditQuery;
  errors: { from?: true; to?: true };
  filter: AuditFilter;
} {
  const q = {
    actor: (raw.actor ?? '').trim().slice(0, 64),
    action: (raw.action ?? '').trim().slice(0, 64),
    from: (raw.from ?? '').trim(),
    to: (raw.to ?? '').trim(),
    before: positiveInt(raw.before) ?? 0,
  };
  const errors: { from?: true; to?: true } = {};
  if (q.from && !isCalendarDate(q.from)) errors.from = true;
  if (q.to && !isCalendarDate(q.to)) errors.to = true;
  const since = q.from && !errors.from ? startOfLocalDay(q.from) : null;
  const until = q.to && !errors.to ? startOfLocalDay(addDays(q.to, 1)) : null;
  return { q, errors, filter: { actor: q.actor, action: q.action, since, until, before: q.before } };
}
