/**
 * Readings forms a signed-in customer sends, the form of one account and the form of all premises
 * counted together (every attempt: a submission, a correction, a confirmation). A customer sends a
 * few a month, a manager of many premises a few dozen in a sitting while correcting rows, and each
 * form of all premises may touch 50 and more accounts (a transaction per account): past the limit
 * the form comes back with what was typed and the wait (429), nothing is checked or stored.
 */
export const READINGS_FORM_LIMIT = { perUser: 30, perClient: 120, timeWindowMs: 10 * 60_000 };

/** The name of the limit's counters (both readings forms). */
export const READINGS_FORM_LIMIT_NAME = 'readings.form';
