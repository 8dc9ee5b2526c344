import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { devMailboxServes } from '../mail/dev-mailbox.routes';
import { sendPage } from '../web/html';
import { perValueLimit } from '../web/rate-limit';
import { pageContext } from '../web/request-context';
import { formBody, formDigits, formRaw, formText } from '../web/request-schemas';
import { identityText } from './identity.messages';
import {
  checkWordIsValid,
  type ResetErrors,
  type ResetInput,
  requestPasswordRecovery,
  resetFormErrors,
  resetPassword,
} from './recovery.service';
import { ChangePage, type ChangeView, ForgotPage } from './recovery.views';

/** The change form as typed: fields trimmed and cut to their length, passwords as they are. */
const changeForm = formBody({
  binIin: formDigits(12),
  account: formText(40),
  login: formText(64),
  word: formText(100),
  password: formRaw,
  passwordRepeat: formRaw,
}).transform(({ passwordRepeat, _csrf, ...fields }): ResetInput => ({ ...fields, repeat: passwordRepeat }));

/** The mail's link to the change form: the login and the check word, filled in. */
const changeQuery = z.object({ login: formText(64), word: formText(100) });

const forgotForm = formBody({ loginOrEmail: formText(200) });

export async function recoveryRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const perValue = perValueLimit(db, 'recovery', { max: 5, timeWindowMs: 3600_000 });
  const perLogin = perValueLimit(db, 'recovery.change', { max: 10, timeWindowMs: 3600_000 });

  app.get('/password/forgot', async (req, reply) =>
    sendPage(reply, <ForgotPage ctx={pageContext(req, reply)} />),
  );

  app.post(
    '/password/forgot',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } }, schema: { body: forgotForm } },
    async (req, reply) => {
      const value = req.body.loginOrEmail;
      const ctx = pageContext(req, reply);
      if (!value)
        return sendPage(reply, <ForgotPage ctx={ctx} error={identityText[req.locale].required} />, 400);
      // Counted by the text typed, the same for a login that exists and one that does not.
      await perValue(reply, value);
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

  app.get('/password/change', { schema: { querystring: changeQuery } }, async (req, reply) => {
    const { word } = req.query;
    const view: ChangeView = { login: req.query.login, word };
    if (word && !(await checkWordIsValid(db, word))) {
      view.errors = { word: identityText[req.locale].recovery.wordInvalid };
    }
    return sendPage(reply, <ChangePage ctx={pageContext(req, reply)} view={view} />);
  });

  app.post(
    '/password/change',
    { config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } }, schema: { body: changeForm } },
    async (req, reply) => {
      const input = req.body;
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
