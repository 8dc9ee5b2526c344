import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireCustomer, safeNext } from '../auth/guard';
import { tokenIsValid } from '../auth/one-time-tokens';
import { actionLimit } from '../web/action-limit';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formDigits, formText, queryText, withSchemas } from '../web/request-schemas';
import { AccountAccessError } from './access';
import { AddAccountPage, RevokeLinkPage } from './account-links.views';
import type { AddAccountInput } from './account-proof';
import { addAccount } from './add-account.service';
import { chooseAccount } from './choose-account.service';
import { removeAccount } from './remove-account.service';
import { revokeAccountLink } from './revoke-account-link.service';

/** The add form as the use case takes it: trimmed, cut to size, spaces out of numbers. */
const addAccountForm = formBody({
  kind: formText(10),
  number: formDigits(20),
  surname: formText(100),
  binIin: formDigits(12),
  contract: formText(40),
});

function addAccountInput(body: z.infer<typeof addAccountForm>): AddAccountInput {
  const { kind, number, surname, binIin, contract } = body;
  return { kind: kind === 'legal' ? 'legal' : 'individual', number, surname, binIin, contract };
}

/** The remove button and the header switcher: the account (and where to come back to). */
const accountForm = formBody({ account: formText(20), back: formText(2000) });
const tokenForm = formBody({ token: formText(100) });

/** `back` without an `account` of its own, so the chosen account is what the page shows. */
function withoutAccount(back: string): string {
  const [path = '/cabinet', query = ''] = back.split('?');
  const params = new URLSearchParams(query);
  params.delete('account');
  params.delete('done');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

export async function accountLinksRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  // Every attempt counts (a wrong proof is a guess): ten an hour per user, twenty per client address.
  const addLimit = actionLimit(db, 'accounts.add', { perUser: 10, perClient: 20, timeWindowMs: 3600_000 });

  app.get(
    '/cabinet/accounts/add',
    { preHandler: requireCustomer, schema: { querystring: z.object({ kind: queryText }) } },
    async (req, reply) => {
      const kind = req.query.kind === 'legal' ? 'legal' : 'individual';
      return sendPage(reply, <AddAccountPage ctx={pageContext(req, reply)} view={{ kind }} />);
    },
  );

  app.post(
    '/cabinet/accounts/add',
    { preHandler: requireCustomer, schema: { body: addAccountForm } },
    async (req, reply) => {
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
    },
  );

  app.post(
    '/cabinet/accounts/remove',
    { preHandler: requireCustomer, schema: { body: accountForm } },
    async (req, reply) => {
      const number = req.body.account;
      const result = await removeAccount(db, { userId: req.user!.id, number }, { ip: req.ip });
      if (result === 'notYours') throw new AccountAccessError('no such account for this user');
      return reply.redirect(`/cabinet?done=${result}&account=${encodeURIComponent(number)}`, 303);
    },
  );

  // The header switcher: the chosen account becomes the default of every cabinet page.
  app.post(
    '/cabinet/account',
    { preHandler: requireCustomer, schema: { body: accountForm } },
    async (req, reply) => {
      const number = req.body.account;
      if (!(await chooseAccount(db, { userId: req.user!.id, number }))) {
        throw new AccountAccessError('no such account for this user');
      }
      return reply.redirect(withoutAccount(safeNext(req.body.back, '/cabinet')), 303);
    },
  );

  // The mailed link: no login, the token is the proof. Opening it asks; the button removes.
  const tokenQuery = { querystring: z.object({ token: queryText }) };
  app.get('/accounts/revoke-link', { schema: tokenQuery }, async (req, reply) => {
    const token = (req.query.token ?? '').slice(0, 100);
    const ctx = pageContext(req, reply, '/accounts/revoke-link');
    if (!(await tokenIsValid(db, token, 'revoke_account_link'))) {
      return sendPage(reply, <RevokeLinkPage ctx={ctx} state={{ kind: 'invalid' }} />, 404);
    }
    return sendPage(reply, <RevokeLinkPage ctx={pageContext(req, reply)} state={{ kind: 'ask', token }} />);
  });

  app.post(
    '/accounts/revoke-link',
    { config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } }, schema: { body: tokenForm } },
    async (req, reply) => {
      const result = await revokeAccountLink(db, req.body.token, { ip: req.ip });
      const ctx = pageContext(req, reply, '/accounts/revoke-link');
      return sendPage(
        reply,
        <RevokeLinkPage ctx={ctx} state={result} />,
        result.kind === 'invalid' ? 400 : 200,
      );
    },
  );
}
