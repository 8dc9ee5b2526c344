import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { periodOfDay } from '../calendar/calendar';
import { consumptionLimits } from '../readings/consumption-limits';
import { field, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { flagReasons } from './flag-reasons';
import { flaggedQueue } from './readings.queries';
import { reviewReading } from './readings.service';
import { type QueueNotices, ReviewQueuePage } from './readings.views';

export { flagReasons } from './flag-reasons';

export async function backofficeReadingRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  // Large as the cabinet asks it: against the meter's own history, else the fixed threshold.
  const fixedL = config.READING_CONFIRM_M3 * 1000;

  app.get<{ Querystring: QueueNotices }>('/backoffice/readings', async (req, reply) => {
    const ctx = pageContext(req, reply);
    const rows = await flaggedQueue(db);
    const limitOf = await consumptionLimits(
      db,
      rows.map((r) => ({ meterId: r.meter_id, period: periodOfDay(r.period) })),
      fixedL,
    );
    const reasonsOf = (r: (typeof rows)[number]) =>
      flagReasons(r, limitOf(r.meter_id, periodOfDay(r.period)).perMonthL);
    return sendPage(reply, <ReviewQueuePage ctx={ctx} rows={rows} reasonsOf={reasonsOf} query={req.query} />);
  });

  app.post<{ Params: { id: string } }>('/backoffice/readings/:id', async (req, reply) => {
    const id = positiveInt(req.params.id) ?? Number.NaN;
    const decision = field(req.body, 'decision');
    const note = field(req.body, 'note').slice(0, 500);
    if (!Number.isSafeInteger(id) || (decision !== 'accept' && decision !== 'reject'))
      return reply.callNotFound();
    if (decision === 'reject' && !note) {
      return reply.redirect(`/backoffice/readings?error=reason&id=${id}#reading-${id}`, 303);
    }
    const outcome = await reviewReading(db, { id, decision, note, actor: req });
    return reply.redirect(`/backoffice/readings?done=${outcome}`, 303);
  });
}
