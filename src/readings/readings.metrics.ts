import { Counter } from 'prom-client';
import { sharedMetrics } from '../web/metrics';

const submissions = new Counter({
  name: 'readings_submissions_total',
  help: 'Meter reading submissions from the cabinet and the API, by result: accepted (stored), replay (the same submission again), or refused (reason: invalid, nothing, closed, noAccount, confirm).',
  labelNames: ['result', 'reason'] as const,
  registers: [sharedMetrics],
});

/** Counts what the readings use case answered (docs/decisions/083-metrics-and-request-ids.md). */
export function countSubmission(result: { kind: string; replay?: boolean }) {
  if (result.kind === 'accepted')
    submissions.inc({ result: result.replay ? 'replay' : 'accepted', reason: '' });
  else submissions.inc({ result: 'refused', reason: result.kind });
}
