import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import type { DB } from '../db/database';
import { sortByName } from '../i18n/collation';
import type { Locale } from '../i18n/locales';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { allStreets } from './accounts.queries';
import { lookupText } from './lookup.messages';
import { findAccountByAddress } from './lookup.service';
import { LookupPage, type LookupView } from './lookup.views';

/** The streets in the alphabetical order of the page's language (Қазақстан among the К… in kk). */
async function streetsInOrder(db: DB, locale: Locale) {
  return sortByName(await allStreets(db), locale, (s) => s.name);
}

/** The fields the lookup form needs, each named when missing. */
function lookupErrors(view: LookupView, locale: Locale): NonNullable<LookupView['errors']> {
  const t = lookupText[locale];
  const errors: NonNullable<LookupView['errors']> = {};
  if (!/^\d+$/.test(view.streetId ?? '')) errors.streetId = t.required;
  if (!view.house) errors.house = t.required;
  if (!view.surname) errors.surname = t.required;
  return errors;
}

export async function lookupRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const perAddress = perValueLimit(db, 'lookup', { max: 20, timeWindowMs: 3600_000 });

  app.get('/lookup', async (req, reply) =>
    sendPage(
      reply,
      <LookupPage ctx={pageContext(req, reply)} streets={await streetsInOrder(db, req.locale)} view={{}} />,
    ),
  );

  app.post('/lookup', { config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } } }, async (req, reply) => {
    const view: LookupView = {
      streetId: field(req.body, 'streetId').slice(0, 10),
      house: field(req.body, 'house').slice(0, 10),
      prefix: field(req.body, 'prefix').slice(0, 5),
      apartment: field(req.body, 'apartment').slice(0, 10),
      surname: field(req.body, 'surname').slice(0, 100),
    };
    const errors = lookupErrors(view, req.locale);
    const ctx = pageContext(req, reply);
    const page = async (shown: LookupView, status = 200) =>
      sendPage(
        reply,
        <LookupPage ctx={ctx} streets={await streetsInOrder(db, req.locale)} view={shown} />,
        status,
      );
    if (Object.keys(errors).length > 0) return page({ ...view, errors }, 400);
    await perAddress(reply, `${view.streetId}|${view.house}`);
    const found = await findAccountByAddress(
      db,
      {
        streetId: Number(view.streetId),
        house: view.house ?? '',
        prefix: view.prefix ?? '',
        apartment: view.apartment ?? '',
        surname: view.surname ?? '',
      },
      { userId: req.user?.id ?? null, ip: req.ip, secret: config.SESSION_SECRET },
    );
    if (!found) return page({ ...view, notFound: true });
    return page({ ...view, found });
  });
}
