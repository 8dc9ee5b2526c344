import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { staffActor } from './actor';
import { normDraft, type RateDraft, tariffDraft, vatDraft } from './rates';
import { ratesOverview } from './rates.queries';
import { saveRate } from './rates.service';
import { type RateFormState, RatesPage, rateFormState } from './rates.views';

export async function backofficeRateRoutes(app: FastifyInstance, { db }: AppDeps) {
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

  app.get<{ Querystring: { saved?: string } }>('/backoffice/rates', (req, reply) =>
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

  app.post('/backoffice/rates/tariff', (req, reply) =>
    save(
      req,
      reply,
      tariffDraft({
        service: field(req.body, 'service'),
        customer_kind: field(req.body, 'customer_kind'),
        effective_from: field(req.body, 'effective_from'),
        price: field(req.body, 'price'),
      }),
    ),
  );

  app.post('/backoffice/rates/vat', (req, reply) =>
    save(
      req,
      reply,
      vatDraft({ effective_from: field(req.body, 'effective_from'), rate: field(req.body, 'rate') }),
    ),
  );

  app.post('/backoffice/rates/norm', (req, reply) =>
    save(
      req,
      reply,
      normDraft({
        kind: field(req.body, 'kind'),
        effective_from: field(req.body, 'effective_from'),
        volume: field(req.body, 'volume'),
        season_from: field(req.body, 'season_from'),
        season_to: field(req.body, 'season_to'),
      }),
    ),
  );
}
