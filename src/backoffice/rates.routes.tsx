import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formText, queryText, withSchemas } from '../web/request-schemas';
import { staffActor } from './actor';
import { normDraft, type RateDraft, tariffDraft, vatDraft } from './rates';
import { ratesOverview } from './rates.queries';
import { saveRate } from './rates.service';
import { type RateFormState, RatesPage, rateFormState } from './rates.views';

/** The rate forms as typed; the drafts check each field with its message. */
const tariffForm = formBody({
  service: formText(40),
  customer_kind: formText(40),
  effective_from: formText(20),
  price: formText(40),
});
const vatForm = formBody({ effective_from: formText(20), rate: formText(40) });
const normForm = formBody({
  kind: formText(40),
  effective_from: formText(20),
  volume: formText(40),
  season_from: formText(20),
  season_to: formText(20),
});

export async function backofficeRateRoutes(instance: FastifyInstance, { db }: AppDeps) {
  const app = withSchemas(instance);
  const render = async (req: FastifyRequest, reply: FastifyReply, state?: RateFormState, saved = false) =>
    sendPage(
      reply,
      <RatesPage
        ctx={pageContext(req, reply)}
        overview={await ratesOverview(db)}
        state={state}
        saved={saved}
      />,
      state ? 400 : 200,
    );

  const ratesQuery = z.object({ saved: queryText });
  app.get('/backoffice/rates', { schema: { querystring: ratesQuery } }, (req, reply) =>
    render(req, reply, undefined, req.query.saved === '1'),
  );

  /** Saves the rate; then back to the page, or the form again with the messages and what was typed. */
  const save = async (req: FastifyRequest, reply: FastifyReply, draft: RateDraft) => {
    const result = await saveRate(db, staffActor(req), draft);
    if (result.kind === 'invalid')
      return render(req, reply, rateFormState(req.locale, draft, result.problems, result.firstOpen));
    return reply.redirect('/backoffice/rates?saved=1', 303);
  };

  // The addresses the rate forms answer at (with the messages) show the forms again on reload.
  for (const form of ['tariff', 'vat', 'norm'])
    app.get(`/backoffice/rates/${form}`, (req, reply) => render(req, reply));

  app.post('/backoffice/rates/tariff', { schema: { body: tariffForm } }, (req, reply) => {
    const { service, customer_kind, effective_from, price } = req.body;
    return save(req, reply, tariffDraft({ service, customer_kind, effective_from, price }));
  });

  app.post('/backoffice/rates/vat', { schema: { body: vatForm } }, (req, reply) => {
    const { effective_from, rate } = req.body;
    return save(req, reply, vatDraft({ effective_from, rate }));
  });

  app.post('/backoffice/rates/norm', { schema: { body: normForm } }, (req, reply) => {
    const { kind, effective_from, volume, season_from, season_to } = req.body;
    return save(req, reply, normDraft({ kind, effective_from, volume, season_from, season_to }));
  });
}
