import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import type { DB } from '../db/database';
import { sortByName } from '../i18n/collation';
import type { Locale } from '../i18n/locales';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { formBody, formText, withSchemas } from '../web/request-schemas';
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

/** The lookup form as typed: trimmed, cut to its fields' lengths. */
const lookupForm = formBody({
  streetId: formText(10),
  house: formText(10),
  prefix: formText(5),
  apartment: formText(10),
  surname: formText(100),
});

export async function lookupRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  const perAddress = perValueLimit(db, 'lookup', { max: 20, timeWindowMs: 3600_000 });

  app.get('/lookup', async (req, reply) =>
    sendPage(
      reply,
      <LookupPage ctx={pageContext(req, reply)} streets={await streetsInOrder(db, req.locale)} view={{}} />,
    ),
  );

  const options = {
    config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } },
    schema: { body: lookupForm },
  };
  app.post('/lookup', options, async (req, reply) => {
    const { _csrf, ...view } = req.body;
    const errors = lookupErrors(view, req.locale);
    const ctx = pageContext(req, reply);
    const page = async (shown: LookupView, status = 200) =>
      sendPage(
        reply,
        <LookupPage ctx={ctx} streets={await streetsInOrder(db, req.locale)} view={shown} />,
        status,
      );
    if (Object.keys(errors).length > 0) return page({ ...view, errors }, 400);
    // The street as the search reads it ("03" is street 3): one counter per address searched.
    await perAddress(reply, `${Number(view.streetId)}|${(view.house ?? '').trim()}`);
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
