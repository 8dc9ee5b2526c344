import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { guideText, type Section } from './guide.messages';

function SectionList({ items }: { items: Section[] }) {
  return (
    <dl class="guide">
      {items.map(([title, href, body]) => (
        <div key={href}>
          <dt>
            <a href={href}>{title}</a>
          </dt>
          <dd>{body}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The cabinet's guide: what each menu item does, and the pages that need no sign-in. */
export function GuidePage({ ctx }: { ctx: PageContext }) {
  const t = guideText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      <p>{t.intro}</p>
      <SectionList items={t.sections} />
      <h2>{t.publicTitle}</h2>
      <SectionList items={t.publicPages} />
    </Layout>
  );
}
