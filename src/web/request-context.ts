import type {} from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../db/schema';
import type { Locale } from '../i18n/locales';

/** The signed-in user as pages and use cases see it. */
export interface CurrentUser {
  id: number;
  login: string;
  role: Role;
  email: string | null;
  firstName: string;
  lastName: string;
  sessionHash: string;
  /** The customer has more than one account (the cabinet menu then lists them all, src/premises). */
  manyAccounts?: boolean;
  /** Set when the request came with an API token (no session): the token and what it may do. */
  apiToken?: { id: number; scopes: readonly string[] };
}

/** The header's account switcher: the customer's accounts and the one the page is about. */
export interface AccountSwitch {
  current: string;
  accounts: { number: string; address: string }[];
}

/** What every page needs to draw the layout. */
export interface PageContext {
  locale: Locale;
  user: CurrentUser | null;
  csrfToken: string;
  path: string;
  /**
   * Where the language links bring the user back to: the URL itself, query kept (a page answering
   * a form sits at a POST's URL, and every such URL has a GET twin that shows the form), or what
   * the route gives (the login page keeps `next`, the password change keeps the check word).
   */
  here: string;
  /** The signed-in customer's accounts for the header switcher (cabinet pages). */
  accountSwitch?: AccountSwitch | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    user: CurrentUser | null;
    accountSwitcher: AccountSwitch | null;
  }
}

export function pageContext(req: FastifyRequest, reply: FastifyReply, here?: string): PageContext {
  return {
    locale: req.locale,
    user: req.user,
    // The framework's reply to an address it could not route (frameworkErrors in src/app.ts) has
    // none of the plugins' decorations: its error page has no token, and its forms are refused.
    csrfToken: typeof reply.generateCsrf === 'function' ? reply.generateCsrf() : '',
    path: req.url.split('?')[0] ?? '/',
    here: here ?? req.url,
    accountSwitch: req.accountSwitcher,
  };
}
