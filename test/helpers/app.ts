import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db/database';

export interface TestApp {
  app: FastifyInstance;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

export async function testApp(handle: DatabaseHandle, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ db: handle.db, config, engine: handle.engine });
  await app.ready();
  return {
    app,
    handle,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

/**
 * A browser-like client over app.inject(): keeps cookies, reads the CSRF token of the
 * last page, follows nothing by itself.
 */
export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  locale: 'kk' | 'ru' | 'en' | undefined;

  /** `ip`: the client address the app sees (default 127.0.0.1), to act from many addresses. */
  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const match =
      /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /name="csrf-token" content="([^"]+)"/.exec(res.body);
    if (match?.[1]) this.csrf = match[1];
  }

  async get(url: string) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeader() },
    });
    this.remember(res);
    return res;
  }

  /** Posts a form; the page's CSRF token is added unless `_csrf` is given (or null to leave it out). */
  async post(url: string, form: Record<string, string | null>) {
    const fields = { _csrf: this.csrf, ...form };
    const body = new URLSearchParams(
      Object.entries(fields).filter((e): e is [string, string] => e[1] !== null),
    ).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(res);
    return res;
  }

  async login(login: string, password: string, remember = false) {
    await this.get('/');
    return this.post('/login', { login, password, ...(remember ? { remember: '1' } : {}) });
  }
}

/** The visible text of an HTML page, tags removed and whitespace folded, for asserting figures. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
