import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer, safeNext } from '../auth/guard';
import { tokenIsValid } from '../auth/one-time-tokens';
import { actionLimit } from '../web/action-limit';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { AccountAccessError } from './access';
import { AddAccountPage, RevokeLinkPage } from './account-links.views';
import type { AddAccountInput } from './account-proof';
import { addAccount } from './add-account.service';
import { chooseAccount } from './choose-account.service';
import { removeAccount } from './remove-account.service';
import { revokeAccountLink } from './revoke-account-link.service';

/** The add form as the use case takes it: trimmed, cut to size, spaces out of numbers. */
function addAccountInput(body: unknown): AddAccountInput {
  return {
    kind: field(body, 'kind') === 'legal' ? 'legal' : 'individual',
    number: field(body, 'number').replace(/\s/g, '').slice(0, 20),
    surname: field(body, 'surname').slice(0, 100),
    binIin: field(body, 'binIin').replace(/\s/g, '').slice(0, 12),
    contract: field(body, 'contract').slice(0, 40),
  };
}

/** `back` without an `account` of its own, so the chosen account is what the page shows. */
function withoutAccount(back: string): string {
  const [path = '/cabinet', query = ''] = back.split('?');
  const params = new URLSearchParams(query);
  params.delete('account');
  params.delete('done');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

export async function accountLinksRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  // Every attempt counts (a wrong proof is a guess): ten an hour per user, twenty per client address.
  const addLimit = actionLimit(db, 'accounts.add', { perUser: 10, perClient: 20, timeWindowMs: 3600_000 });

  app.get<{ Querystring: { kind?: string } }>(
    '/cabinet/accounts/add',
    { preHandler: requireCustomer },
    async (req, reply) => {
      const kind = req.query.kind === 'legal' ? 'legal' : 'individual';
      return sendPage(reply, <AddAccountPage ctx={pageContext(req, reply)} view={{ kind }} />);
    },
  );

  app.post('/cabinet/accounts/add', { preHandler: requireCustomer }, async (req, reply) => {
    const input = addAccountInput(req.body);
    const user = req.user!;
    const result = await addAccount(db, input, {
      userId: user.id,
      login: user.login,
      locale: req.locale,
      publicUrl: config.PUBLIC_URL,
      ip: req.ip,
      limit: () => addLimit(req),
    });
    if (result.ok)
      return reply.redirect(`/cabinet?done=added&account=${encodeURIComponent(result.number)}`, 303);
    if (result.retryAfter) reply.header('retry-after', result.retryAfter);
    const here = input.kind === 'legal' ? '/cabinet/accounts/add?kind=legal' : '/cabinet/accounts/add';
    return sendPage(
      reply,
      <AddAccountPage ctx={pageContext(req, reply, here)} view={{ ...input, errors: result.errors }} />,
      result.retryAfter ? 429 : 400,
    );
  });

  app.post('/cabinet/accounts/remove', { preHandler: requireCustomer }, async (req, reply) => {
    const number = field(req.body, 'account').slice(0, 20);
    const result = await removeAccount(db, { userId: req.user!.id, number }, { ip: req.ip });
    if (result === 'notYours') throw new AccountAccessError('no such account for this user');
    return reply.redirect(`/cabinet?done=${result}&account=${encodeURIComponent(number)}`, 303);
  });

  // The header switcher: the chosen account becomes the default of every cabinet page.
  app.post('/cabinet/account', { preHandler: requireCustomer }, async (req, reply) => {
    const number = field(req.body, 'account').slice(0, 20);
    if (!(await chooseAccount(db, { userId: req.user!.id, number }))) {
      throw new AccountAccessError('no such account for this user');
    }
    return reply.redirect(withoutAccount(safeNext(field(req.body, 'back'), '/cabinet')), 303);
  });

  // The mailed link: no login, the token is the proof. Opening it asks; the button removes.
  app.get<{ Querystring: { token?: string } }>('/accounts/revoke-link', async (req, reply) => {
    const token = String(req.query.token ?? '');
    const ctx = pageContext(req, reply, '/accounts/revoke-link');
    if (!(await tokenIsValid(db, token, 'revoke_account_link'))) {
      return sendPage(reply, <RevokeLinkPage ctx={ctx} state={{ kind: 'invalid' }} />, 404);
    }
    return sendPage(reply, <RevokeLinkPage ctx={pageContext(req, reply)} state={{ kind: 'ask', token }} />);
  });

  app.post(
    '/accounts/revoke-link',
    { config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const result = await revokeAccountLink(db, field(req.body, 'token').slice(0, 100), { ip: req.ip });
      const ctx = pageContext(req, reply, '/accounts/revoke-link');
      return sendPage(
        reply,
        <RevokeLinkPage ctx={ctx} state={result} />,
        result.kind === 'invalid' ? 400 : 200,
      );
    },
  );
}
