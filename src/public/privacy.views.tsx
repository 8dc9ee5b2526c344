import { common } from '../i18n/common';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { PRIVACY_TEXT_VERSION, privacyText } from './privacy.messages';

/** Fills {name} placeholders of the privacy text. */
function fillIn(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) =>
    values[name] === undefined ? all : String(values[name]),
  );
}

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
              <li key={item}>{fillIn(item, values)}</li>
            ))}
          </ul>
        </section>
      ))}
      <p class="hint">{fillIn(t.version, { version: PRIVACY_TEXT_VERSION })}</p>
    </Layout>
  );
}
