import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import { audit } from '../auth/audit';
import { sameSurname } from '../auth/registration.service';
import { sortByName } from '../i18n/collation';
import type { Locale } from '../i18n/locales';
import { defineMessages } from '../i18n/locales';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { perValueLimit } from '../web/rate-limit';
import { type PageContext, pageContext } from '../web/request-context';
import { signLookupToken } from './lookup-token';

const text = defineMessages({
  kk: {
    title: 'Дербес шотты / логинді алу',
    intro: 'Мекенжайды және шот иесінің тегін енгізіңіз.',
    street: 'Көше',
    chooseStreet: '— көшені таңдаңыз —',
    house: 'Үй нөмірі',
    prefix: 'Үй литері',
    prefixHint: 'Болса: А, Б, ...',
    apartment: 'Пәтер нөмірі',
    surname: 'Иесінің тегі',
    find: 'Табу',
    notFound: 'Мекенжай мен тегі бойынша дербес шот табылмады. Деректерді тексеріңіз.',
    found: 'Дербес шот табылды',
    account: 'Дербес шот (логин)',
    meters: 'Есептегіштер',
    hasMeters: 'бар',
    noMeters: 'жоқ',
    breakdown: 'Есептеулерді шифрлеуді алу',
    register: 'Тіркелу',
    required: 'Толтыру міндетті.',
  },
  ru: {
    title: 'Получить лицевой счёт / логин',
    intro: 'Введите адрес и фамилию владельца счёта.',
    street: 'Улица',
    chooseStreet: '— выберите улицу —',
    house: 'Номер дома',
    prefix: 'Литера дома',
    prefixHint: 'Если есть: А, Б, ...',
    apartment: 'Номер квартиры',
    surname: 'Фамилия владельца',
    find: 'Найти',
    notFound: 'По этому адресу и фамилии лицевой счёт не найден. Проверьте данные.',
    found: 'Лицевой счёт найден',
    account: 'Лицевой счёт (логин)',
    meters: 'Приборы учёта',
    hasMeters: 'есть',
    noMeters: 'нет',
    breakdown: 'Получить расшифровку',
    register: 'Зарегистрироваться',
    required: 'Обязательное поле.',
  },
  en: {
    title: 'Get personal account / login',
    intro: "Enter the address and the account owner's surname.",
    street: 'Street',
    chooseStreet: '— choose a street —',
    house: 'House number',
    prefix: 'House letter',
    prefixHint: 'If any: A, B, ...',
    apartment: 'Apartment',
    surname: "Owner's surname",
    find: 'Find',
    notFound: 'No personal account was found for this address and surname. Check what you entered.',
    found: 'Personal account found',
    account: 'Personal account (login)',
    meters: 'Meters',
    hasMeters: 'installed',
    noMeters: 'none',
    breakdown: 'Get breakdown',
    register: 'Register',
    required: 'This field is required.',
  },
});

interface LookupView {
  streetId?: string;
  house?: string;
  prefix?: string;
  apartment?: string;
  surname?: string;
  errors?: Partial<Record<'streetId' | 'house' | 'surname', string>>;
  notFound?: boolean;
  found?: { number: string; hasMeters: boolean; token: string };
}

function LookupPage({
  ctx,
  streets,
  view,
}: {
  ctx: PageContext;
  streets: { id: number; name: string }[];
  view: LookupView;
}) {
  const t = text[ctx.locale];
  const e = view.errors ?? {};
  return (
    <Layout ctx={ctx} title={t.title}>
      <div class="login-box">
        {view.found ? (
          <div class="notice notice-success" role="status">
            <p>
              <strong>{t.found}</strong>
            </p>
            <dl class="facts">
              <div>
                <dt>{t.account}</dt>
                <dd class="account-number">{view.found.number}</dd>
              </div>
              <div>
                <dt>{t.meters}</dt>
                <dd>{view.found.hasMeters ? t.hasMeters : t.noMeters}</dd>
              </div>
            </dl>
            <p>
              <a class="button" href={`/breakdown/anonymous?token=${encodeURIComponent(view.found.token)}`}>
                {t.breakdown}
              </a>{' '}
              <a href="/register">{t.register}</a>
            </p>
          </div>
        ) : (
          <p class="lead">{t.intro}</p>
        )}
        {view.notFound ? <Notice kind="error">{t.notFound}</Notice> : null}
        <Form action="/lookup" csrfToken={ctx.csrfToken}>
          <div class={e.streetId ? 'field has-error' : 'field'}>
            <label for="f-streetId">
              {t.street}
              <span class="req"> *</span>
            </label>
            <select id="f-streetId" name="streetId" required aria-invalid={e.streetId ? 'true' : undefined}>
              <option value="">{t.chooseStreet}</option>
              {streets.map((s) => (
                <option key={s.id} value={String(s.id)} selected={view.streetId === String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
            {e.streetId ? <p class="error">{e.streetId}</p> : null}
          </div>
          <Field name="house" label={t.house} value={view.house} error={e.house} maxLength={10} required />
          <Field name="prefix" label={t.prefix} value={view.prefix} hint={t.prefixHint} maxLength={5} />
          <Field name="apartment" label={t.apartment} value={view.apartment} maxLength={10} />
          <Field
            name="surname"
            label={t.surname}
            value={view.surname}
            error={e.surname}
            maxLength={100}
            required
          />
          <button type="submit" class="primary">
            {t.find}
          </button>
        </Form>
      </div>
    </Layout>
  );
}

export async function lookupRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const perAddress = perValueLimit(db, 'lookup', { max: 20, timeWindowMs: 3600_000 });
  /** The streets in the alphabetical order of the page's language (Қазақстан among the К… in kk). */
  const streets = async (locale: Locale) =>
    sortByName(await db.selectFrom('streets').select(['id', 'name']).execute(), locale, (s) => s.name);

  app.get('/lookup', async (req, reply) =>
    sendPage(
      reply,
      <LookupPage ctx={pageContext(req, reply)} streets={await streets(req.locale)} view={{}} />,
    ),
  );

  app.post('/lookup', { config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } } }, async (req, reply) => {
    const t = text[req.locale];
    const view: LookupView = {
      streetId: field(req.body, 'streetId').slice(0, 10),
      house: field(req.body, 'house').slice(0, 10),
      prefix: field(req.body, 'prefix').slice(0, 5),
      apartment: field(req.body, 'apartment').slice(0, 10),
      surname: field(req.body, 'surname').slice(0, 100),
    };
    const errors: NonNullable<LookupView['errors']> = {};
    if (!/^\d+$/.test(view.streetId ?? '')) errors.streetId = t.required;
    if (!view.house) errors.house = t.required;
    if (!view.surname) errors.surname = t.required;
    const ctx = pageContext(req, reply);
    if (Object.keys(errors).length > 0) {
      return sendPage(
        reply,
        <LookupPage ctx={ctx} streets={await streets(req.locale)} view={{ ...view, errors }} />,
        400,
      );
    }
    await perAddress(reply, `${view.streetId}|${view.house}`);
    // Exact address; the surname compared in any case. Anything less finds nothing.
    const rows = await db
      .selectFrom('accounts')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .innerJoin('buildings', 'buildings.id', 'premises.building_id')
      .select([
        'accounts.number',
        'accounts.owner_surname',
        sql<boolean>`exists (select 1 from meters m where m.account_id = accounts.id and m.removed_on is null)`.as(
          'hasMeters',
        ),
      ])
      .where('buildings.street_id', '=', Number(view.streetId))
      .where(sql`lower(buildings.number)`, '=', (view.house ?? '').toLowerCase())
      .where(sql`lower(buildings.prefix)`, '=', (view.prefix ?? '').toLowerCase())
      .where(sql`lower(premises.apartment)`, '=', (view.apartment ?? '').toLowerCase())
      .where('accounts.kind', '=', 'individual')
      .where('accounts.closed_on', 'is', null)
      .execute();
    const match = rows.find((r) => sameSurname(r.owner_surname, view.surname ?? ''));
    await audit(db, {
      actorUserId: req.user?.id ?? null,
      action: match ? 'lookup.found' : 'lookup.miss',
      subject: match?.number ?? '',
      ip: req.ip,
    });
    if (!match) {
      return sendPage(
        reply,
        <LookupPage ctx={ctx} streets={await streets(req.locale)} view={{ ...view, notFound: true }} />,
      );
    }
    const found = {
      number: match.number,
      hasMeters: match.hasMeters,
      token: signLookupToken(config.SESSION_SECRET, match.number),
    };
    return sendPage(
      reply,
      <LookupPage ctx={ctx} streets={await streets(req.locale)} view={{ ...view, found }} />,
    );
  });
}
