import type { ComponentChildren } from 'preact';
import { currentEntry, Layout, MenuDrawer } from '../web/layout';
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
  ['notifications', '/backoffice/notifications', false],
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
      <MenuDrawer
        ctx={ctx}
        navClass="bo-menu"
        title={t.area}
        entries={links.map(([key, href]) => ({ key, href, label: t[key] }))}
        current={current}
        user={
          <span class="bo-user">
            {ctx.user?.login} ({ctx.user ? t.role[ctx.user.role] : ''})
          </span>
        }
        logout={t.logout}
      />
      {children}
    </Layout>
  );
}
