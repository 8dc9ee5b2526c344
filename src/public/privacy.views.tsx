import { common } from '../i18n/common';
import { fill } from '../i18n/locales';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { PRIVACY_TEXT_VERSION, privacyText } from './privacy.messages';

/** The public privacy page (linked from the registration checkbox and every page's footer). */
export function PrivacyPage({ ctx, hours }: { ctx: PageContext; hours: number }) {
  const t = privacyText[ctx.locale];
  const f = common[ctx.locale].footer;
  const values = { hours, department: f.department, phone: f.phone, openHours: f.hours };
  return (
    <Layout ctx={ctx} title={t.title}>
      <p>{t.law}</p>
      {t.sections.map((section) => (
        <section key={section.title}>
          <h2>{section.title}</h2>
          <ul>
            {section.items.map((item) => (
              <li key={item}>{fill(item, values)}</li>
            ))}
          </ul>
        </section>
      ))}
      <p class="hint">{fill(t.version, { version: PRIVACY_TEXT_VERSION })}</p>
    </Layout>
  );
}
