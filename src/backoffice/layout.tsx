import type { ComponentChildren } from 'preact';
import { currentEntry, Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { nav } from './layout.messages';

export { nav } from './layout.messages';

const LINKS = [
  ['home', '/backoffice', false],
  ['accounts', '/backoffice/accounts', false],
  ['readings', '/backoffice/readings', false],
  ['rates', '/backoffice/rates', false],
  ['questions', '/backoffice/questions', false],
  ['notes', '/backoffice/notes', false],
  ['exchange', '/backoffice/exchange', false],
  ['audit', '/backoffice/audit', true],
  ['security', '/backoffice/2fa', true],
] as const;

/** A back-office page: the site's layout with the staff menu on the left. */
export function BackofficeLayout({
  ctx,
  title,
  children,
}: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
}) {
  const t = nav[ctx.locale];
  const admin = ctx.user?.role === 'admin';
  const links = LINKS.filter(([, , adminOnly]) => admin || !adminOnly);
  const current = currentEntry(links, ctx.path, '/backoffice');
  return (
    <Layout ctx={ctx} title={title} scripts={['/static/menu.js']}>
      <nav class="bo-menu" aria-label={t.area}>
        <details class="menu-drawer">
          <summary>
            <span class="menu-title">{t.area}</span>
            {current ? <span class="menu-current">{t[current]}</span> : null}
          </summary>
          <span class="bo-user">
            {ctx.user?.login} ({ctx.user ? t.role[ctx.user.role] : ''})
          </span>
          <ul>
            {links.map(([key, href]) => (
              <li key={key}>
                <a href={href} aria-current={key === current ? 'page' : undefined}>
                  {t[key]}
                </a>
              </li>
            ))}
          </ul>
        </details>
        <form method="post" action="/logout" class="menu-logout">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <button type="submit" class="link-button">
            {t.logout}
          </button>
        </form>
      </nav>
      {children}
    </Layout>
  );
}
