import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { identityText } from './identity.messages';
import {
  checkWordIsValid,
  type ResetErrors,
  type ResetInput,
  recoveryLimitKey,
  requestPasswordRecovery,
  resetFormErrors,
  resetPassword,
} from './recovery.service';
import { ChangePage, type ChangeView, ForgotPage } from './recovery.views';

/** The change form as typed: fields trimmed and cut to their length, passwords as they are. */
function resetInput(body: unknown): ResetInput {
  const raw = (name: string) => {
    const value = (body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    binIin: field(body, 'binIin').replace(/\s/g, '').slice(0, 12),
    account: field(body, 'account').slice(0, 40),
    login: field(body, 'login').slice(0, 64),
    word: field(body, 'word').slice(0, 100),
    password: raw('password'),
    repeat: raw('passwordRepeat'),
  };
}

export async function recoveryRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const perValue = perValueLimit(db, 'recovery', { max: 5, timeWindowMs: 3600_000 });
  const perLogin = perValueLimit(db, 'recovery.change', { max: 10, timeWindowMs: 3600_000 });

  app.get('/password/forgot', async (req, reply) =>
    sendPage(reply, <ForgotPage ctx={pageContext(req, reply)} />),
  );

  app.post(
    '/password/forgot',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const value = field(req.body, 'loginOrEmail').slice(0, 200);
      const ctx = pageContext(req, reply);
      if (!value) return sendPage(reply, <ForgotPage ctx={ctx} />, 400);
      await perValue(reply, await recoveryLimitKey(db, value));
      await requestPasswordRecovery(db, value, {
        locale: req.locale,
        ip: req.ip,
        publicUrl: config.PUBLIC_URL,
        confirmHours: config.REGISTRATION_CONFIRM_HOURS,
      });
      return sendPage(
        reply,
        <ForgotPage ctx={ctx} value={value} sent devMailbox={devMailboxServes(config, req)} />,
      );
    },
  );

  app.get<{ Querystring: { login?: string; word?: string } }>('/password/change', async (req, reply) => {
    const word = String(req.query.word ?? '').slice(0, 100);
    const view: ChangeView = { login: String(req.query.login ?? '').slice(0, 64), word };
    if (word && !(await checkWordIsValid(db, word))) {
      view.errors = { word: identityText[req.locale].recovery.wordInvalid };
    }
    return sendPage(reply, <ChangePage ctx={pageContext(req, reply)} view={view} />);
  });

  app.post(
    '/password/change',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const input = resetInput(req.body);
      const { password: _p, repeat: _r, ...view } = input;
      // Switching language keeps the login and the check word of the mail's link.
      const here = `/password/change?${new URLSearchParams({ login: view.login, word: view.word })}`;
      const ctx = pageContext(req, reply, here);
      const refuse = (errors: ResetErrors) =>
        sendPage(reply, <ChangePage ctx={ctx} view={{ ...view, errors }} />, 400);
      const errors = resetFormErrors(input, req.locale);
      if (Object.keys(errors).length > 0) return refuse(errors);
      await perLogin(reply, input.login);
      const done = await resetPassword(db, input, { ip: req.ip, publicUrl: config.PUBLIC_URL });
      if (!done) return refuse({ form: identityText[req.locale].recovery.refused });
      return reply.redirect('/?done=password', 303);
    },
  );
}
