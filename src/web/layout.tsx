import type { ComponentChildren } from 'preact';
import { common } from '../i18n/common';
import { LOCALES } from '../i18n/locales';
import type { PageContext } from './request-context';

export const LANGUAGE_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' } as const;

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** Show the cabinet's left menu (signed-in customers). */
  cabinet?: boolean;
  /** Extra scripts that enhance the page; the page works without them. */
  scripts?: string[];
  /** Extra stylesheets (before the site's own, which may adjust them). */
  styles?: string[];
}

export function Layout({ ctx, title, children, cabinet = false, scripts = [], styles = [] }: LayoutProps) {
  const t = common[ctx.locale];
  const next = encodeURIComponent(ctx.here);
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${t.siteName}`}</title>
        {styles.map((href) => (
          <link key={href} rel="stylesheet" href={href} />
        ))}
        <link rel="stylesheet" href="/static/app.css" />
        <meta name="csrf-token" content={ctx.csrfToken} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        <header class="site-header">
          <div class="brand">
            <a href="/" class="brand-link">
              <span class="logo" aria-hidden="true">
                ●
              </span>
              <span>{t.siteName}</span>
            </a>
          </div>
          <nav class="header-links" aria-label="site">
            <a href="/ask">{t.header.ask}</a>
            <a href="/qa">{t.header.qa}</a>
            <a href="/map">{t.header.map}</a>
            <a href="/notes">{t.header.notes}</a>
          </nav>
          <nav class="lang" aria-label={t.language}>
            {LOCALES.map((l) =>
              l === ctx.locale ? (
                <strong key={l} lang={l} aria-current="true">
                  {LANGUAGE_NAMES[l]}
                </strong>
              ) : (
                <a key={l} lang={l} href={`/lang/${l}?next=${next}`}>
                  {LANGUAGE_NAMES[l]}
                </a>
              ),
            )}
          </nav>
          {cabinet && ctx.user ? <AccountSwitcher ctx={ctx} /> : null}
        </header>
        <div class={cabinet ? 'page with-menu' : 'page'}>
          {cabinet && ctx.user ? <CabinetMenu ctx={ctx} /> : null}
          <main id="main">
            <h1>{title}</h1>
            {children}
          </main>
        </div>
        <footer class="site-footer">
          <p>{t.utilityName}</p>
          <p>{t.footer.department}</p>
          <p>{t.footer.phone}</p>
          <p>{t.footer.hours}</p>
          <p>
            <a href="/privacy">{t.footer.privacy}</a>
          </p>
        </footer>
        {(cabinet && ctx.user ? ['/static/menu.js', ...scripts] : scripts).map((src) => (
          <script key={src} src={src} defer />
        ))}
      </body>
    </html>
  );
}

/** The cabinet's left menu, in the seed's order (SPEC.md section 3). */
export const CABINET_MENU = [
  ['personal', '/cabinet'],
  ['readings', '/cabinet/readings'],
  ['breakdown', '/cabinet/breakdown'],
  ['invoice', '/cabinet/invoice'],
  ['settlement', '/cabinet/settlement'],
  ['changeEmail', '/cabinet/email'],
  ['changePassword', '/cabinet/password'],
  ['subscriptions', '/cabinet/subscriptions'],
  ['guide', '/cabinet/guide'],
] as const;

/** The entry of a user with more than one account: all of them on one page (src/premises), after "Personal data". */
export const PREMISES_ENTRY = ['premises', '/cabinet/premises'] as const;

/** The cabinet menu of a user: the seed's entries, with the accounts overview when there are several accounts. */
export function cabinetMenuOf(user: { manyAccounts?: boolean } | null) {
  if (!user?.manyAccounts) return [...CABINET_MENU];
  const [first, ...rest] = CABINET_MENU;
  return [first, PREMISES_ENTRY, ...rest];
}

/** The menu entry a path belongs to: its own page or one under it ("/cabinet" only itself). */
export function currentEntry<K extends string>(
  entries: readonly (readonly [K, string, ...unknown[]])[],
  path: string,
  home: string,
): K | undefined {
  return entries.find(([, href]) => path === href || (href !== home && path.startsWith(`${href}/`)))?.[0];
}

/** One entry of a menu: its key (to mark the current page), address and text. */
export interface MenuEntry {
  key: string;
  href: string;
  label: string;
}

/**
 * A menu of signed-in pages (the cabinet's, the back-office's). On a wide screen a list on the
 * left; on a phone a bar with the menu's name and the current page that opens into the whole list
 * (a <details>, no script needed) and the logout button beside it, always in view.
 */
export function MenuDrawer({
  ctx,
  navClass,
  title,
  entries,
  current,
  user,
  logout,
}: {
  ctx: PageContext;
  navClass: string;
  title: string;
  entries: MenuEntry[];
  current: string | undefined;
  user: ComponentChildren;
  logout: string;
}) {
  const currentLabel = entries.find((e) => e.key === current)?.label;
  return (
    <nav class={navClass} aria-label={title}>
      <details class="menu-drawer">
        <summary>
          <span class="menu-title">{title}</span>
          {currentLabel ? <span class="menu-current">{currentLabel}</span> : null}
        </summary>
        {user}
        <ul>
          {entries.map(({ key, href, label }) => (
            <li key={key}>
              <a href={href} aria-current={key === current ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </details>
      <form method="post" action="/logout" class="menu-logout">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <button type="submit" class="link-button">
          {logout}
        </button>
      </form>
    </nav>
  );
}

/**
 * The header's account switcher of a customer with more than one account: a plain form (a select
 * and a button), so it works without JavaScript; the choice is kept on the server and becomes the
 * default account of every cabinet page.
 */
function AccountSwitcher({ ctx }: { ctx: PageContext }) {
  const choice = ctx.accountSwitch;
  if (!choice || choice.accounts.length < 2) return null;
  const t = common[ctx.locale].cabinet;
  return (
    <form method="post" action="/cabinet/account" class="account-switcher">
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      <input type="hidden" name="back" value={ctx.here} />
      <label for="account-switch">{t.switchLabel}</label>
      <select id="account-switch" name="account">
        {choice.accounts.map((a) => (
          <option key={a.number} value={a.number} selected={a.number === choice.current}>
            {`${a.number} — ${a.address}`}
          </option>
        ))}
      </select>
      <button type="submit">{t.switchButton}</button>
    </form>
  );
}

/** The cabinet's menu. */
function CabinetMenu({ ctx }: { ctx: PageContext }) {
  const t = common[ctx.locale].menu;
  const menu = cabinetMenuOf(ctx.user);
  return (
    <MenuDrawer
      ctx={ctx}
      navClass="cabinet-menu"
      title={t.title}
      entries={menu.map(([key, href]) => ({ key, href, label: t[key] }))}
      current={currentEntry(menu, ctx.path, '/cabinet')}
      user={<p class="menu-user">{ctx.user?.login}</p>}
      logout={t.logout}
    />
  );
}

/** A message box: success, info, warning or error. */
export function Notice({
  kind,
  children,
}: {
  kind: 'success' | 'info' | 'warning' | 'error';
  children: ComponentChildren;
}) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
