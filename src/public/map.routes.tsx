import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { defineMessages } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout } from '../web/layout';
import { pageContext } from '../web/request-context';
import { OFFICES } from './offices';

const text = defineMessages({
  kk: {
    title: 'Картадан табу',
    intro: 'Су арнасының кеңселері мен төлем пункттері. Тізім интернетсіз де жұмыс істейді.',
    offices: 'Кеңселер',
    payment: 'Төлем пункттері',
    hours: 'Жұмыс уақыты',
    phone: 'Телефон',
    osm: 'OpenStreetMap картасында ашу',
    schematic: 'Сызба-карта (солтүстік жоғарыда)',
  },
  ru: {
    title: 'Найти на карте',
    intro: 'Офисы водоканала и пункты оплаты. Список работает и без интернета.',
    offices: 'Офисы',
    payment: 'Пункты оплаты',
    hours: 'Часы работы',
    phone: 'Телефон',
    osm: 'Открыть на карте OpenStreetMap',
    schematic: 'Схема (север сверху)',
  },
  en: {
    title: 'Find on the map',
    intro: "The utility's offices and payment points. The list works offline too.",
    offices: 'Offices',
    payment: 'Payment points',
    hours: 'Hours',
    phone: 'Phone',
    osm: 'Open in OpenStreetMap',
    schematic: 'Schematic map (north up)',
  },
});

export async function mapRoutes(app: FastifyInstance, _deps: AppDeps) {
  app.get('/map', async (req, reply) => {
    const t = text[req.locale];
    const l = req.locale;
    const ctx = pageContext(req, reply);
    const group = (kind: 'office' | 'payment') => (
      <ul class="cards office-list">
        {OFFICES.filter((o) => o.kind === kind).map((o) => (
          <li key={o.id}>
            <article
              class="office"
              id={`office-${o.id}`}
              data-lat={String(o.lat)}
              data-lon={String(o.lon)}
              data-name={o.name[l]}
              data-kind={o.kind}
            >
              <h3>{o.name[l]}</h3>
              <p>{o.address}</p>
              <p>
                {t.hours}: {o.hours[l]}
              </p>
              {o.phone ? (
                <p>
                  {t.phone}: {o.phone}
                </p>
              ) : null}
              <p>
                <a
                  href={`https://www.openstreetmap.org/?mlat=${o.lat}&mlon=${o.lon}#map=17/${o.lat}/${o.lon}`}
                  rel="noopener"
                >
                  {t.osm}
                </a>
              </p>
            </article>
          </li>
        ))}
      </ul>
    );
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.title} scripts={['/static/office-map.js']}>
        <p>{t.intro}</p>
        <div class="schematic-map" id="office-map" data-title={t.schematic} hidden />
        <h2>{t.offices}</h2>
        {group('office')}
        <h2>{t.payment}</h2>
        {group('payment')}
      </Layout>,
    );
  });
}
