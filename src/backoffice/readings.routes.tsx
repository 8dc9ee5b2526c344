import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { periodOfDay } from '../calendar/calendar';
import { consumptionLimits } from '../readings/consumption-limits';
import { positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formText, idParams, queryText, withSchemas } from '../web/request-schemas';
import { staffActor } from './actor';
import { flagReasons } from './flag-reasons';
import { flaggedQueue } from './readings.queries';
import { reviewReading } from './readings.service';
import { ReviewQueuePage } from './readings.views';

export { flagReasons } from './flag-reasons';

const queueQuery = z.object({ done: queryText, error: queryText, id: queryText, note: queryText });
/** An operator's decision on a flagged reading, with the reason a rejection needs. */
const reviewForm = formBody({ decision: formText(20), note: formText(500) });

export async function backofficeReadingRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  // Large as the cabinet asks it: against the meter's own history, else the fixed threshold.
  const fixedL = config.READING_CONFIRM_M3 * 1000;

  app.get('/backoffice/readings', { schema: { querystring: queueQuery } }, async (req, reply) => {
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

  const reviewSchema = { params: idParams, body: reviewForm };
  app.post('/backoffice/readings/:id', { schema: reviewSchema }, async (req, reply) => {
    const id = positiveInt(req.params.id) ?? Number.NaN;
    const { decision, note } = req.body;
    if (!Number.isSafeInteger(id) || (decision !== 'accept' && decision !== 'reject'))
      return reply.callNotFound();
    if (decision === 'reject' && !note) {
      return reply.redirect(`/backoffice/readings?error=reason&id=${id}#reading-${id}`, 303);
    }
    const outcome = await reviewReading(db, { id, decision, note, actor: staffActor(req) });
    return reply.redirect(`/backoffice/readings?done=${outcome}`, 303);
  });
}
