import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app-deps';
import { defineMessages } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout } from '../web/layout';
import { pageContext } from '../web/request-context';
import { OFFICES } from './offices';

/** The only place images may come from besides our own origin, and only on the map page. */
export const TILE_ORIGIN = 'https://tile.openstreetmap.org';

const text = defineMessages({
  kk: {
    title: 'Картадан табу',
    intro: 'Су арнасының кеңселері мен төлем пункттері. Тізім интернетсіз де жұмыс істейді.',
    map: 'Кеңселер мен төлем пункттерінің картасы',
    offices: 'Кеңселер',
    payment: 'Төлем пункттері',
    hours: 'Жұмыс уақыты',
    phone: 'Телефон',
    osm: 'OpenStreetMap картасында ашу',
    attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> қатысушылары',
  },
  ru: {
    title: 'Найти на карте',
    intro: 'Офисы водоканала и пункты оплаты. Список работает и без интернета.',
    map: 'Карта офисов и пунктов оплаты',
    offices: 'Офисы',
    payment: 'Пункты оплаты',
    hours: 'Часы работы',
    phone: 'Телефон',
    osm: 'Открыть на карте OpenStreetMap',
    attribution: '© участники <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  },
  en: {
    title: 'Find on the map',
    intro: "The utility's offices and payment points. The list works offline too.",
    map: 'Map of the offices and payment points',
    offices: 'Offices',
    payment: 'Payment points',
    hours: 'Hours',
    phone: 'Phone',
    osm: 'Open in OpenStreetMap',
    attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  },
});

/**
 * This page's Content-Security-Policy: the site's, with OpenStreetMap's tile server added to
 * img-src. Every other page keeps the site's policy, so no other page can load a third-party image.
 */
function allowTiles(reply: FastifyReply) {
  const policy = reply.getHeader('content-security-policy') ?? reply.raw.getHeader('content-security-policy');
  if (typeof policy !== 'string') return;
  reply.header(
    'content-security-policy',
    policy.replace(
      /(^|;)img-src ([^;]*)/,
      (_, start: string, sources: string) => `${start}img-src ${sources} ${TILE_ORIGIN}`,
    ),
  );
}

export async function mapRoutes(app: FastifyInstance, _deps: AppDeps) {
  app.get('/map', async (req, reply) => {
    const t = text[req.locale];
    const l = req.locale;
    const ctx = pageContext(req, reply);
    allowTiles(reply);
    const group = (kind: 'office' | 'payment') => (
      <ul class="cards office-list">
        {OFFICES.filter((o) => o.kind === kind).map((o) => (
          <li key={o.id}>
            <article
              class="office"
              id={`office-${o.id}`}
              data-lat={String(o.lat)}
              data-lon={String(o.lon)}
              data-kind={o.kind}
            >
              <h3 class="office-name">{o.name[l]}</h3>
              <p class="office-address">{o.address[l]}</p>
              <p class="office-hours">
                {t.hours}: {o.hours[l]}
              </p>
              {o.phone ? (
                <p class="office-phone">
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
      <Layout
        ctx={ctx}
        title={t.title}
        styles={['/static/leaflet/leaflet.css']}
        scripts={['/static/leaflet/leaflet.js', '/static/office-map.js']}
      >
        <p>{t.intro}</p>
        <div class="office-map-layout">
          <section
            class="office-map"
            id="office-map"
            aria-label={t.map}
            data-tiles={`${TILE_ORIGIN}/{z}/{x}/{y}.png`}
            data-attribution={t.attribution}
            hidden
          />
          <div class="office-lists">
            <h2>{t.offices}</h2>
            {group('office')}
            <h2>{t.payment}</h2>
            {group('payment')}
          </div>
        </div>
      </Layout>,
    );
  });
}
