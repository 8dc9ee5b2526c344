import type { Locale } from '../i18n/locales';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { mapText } from './map.messages';
import { OFFICES } from './offices';

/** The offices (or payment points) as cards, each with its coordinates for the map script. */
function OfficeList({ locale: l, kind }: { locale: Locale; kind: 'office' | 'payment' }) {
  const t = mapText[l];
  return (
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
}

/** "Find on the map": the list works without JavaScript; the script shows the map above it. */
export function MapPage({ ctx, tileOrigin }: { ctx: PageContext; tileOrigin: string }) {
  const t = mapText[ctx.locale];
  const l = ctx.locale;
  return (
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
          data-tiles={`${tileOrigin}/{z}/{x}/{y}.png`}
          data-attribution={t.attribution}
          hidden
        />
        <div class="office-lists">
          <h2>{t.offices}</h2>
          <OfficeList locale={l} kind="office" />
          <h2>{t.payment}</h2>
          <OfficeList locale={l} kind="payment" />
        </div>
      </div>
    </Layout>
  );
}
