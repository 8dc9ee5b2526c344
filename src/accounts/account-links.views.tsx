import { boundFields, Form } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { accountLinksText } from './account-links.messages';
import { type AddAccountInput, maskLogin } from './account-proof';
import { type AccountView, formatAddress } from './accounts.queries';
import type { AddAccountErrors } from './add-account.service';

/** The personal page's list of the customer's accounts, each with a remove button behind a confirmation. */
export function AccountList({
  ctx,
  accounts,
  current,
}: {
  ctx: PageContext;
  accounts: AccountView[];
  current: string | undefined;
}) {
  const t = accountLinksText[ctx.locale];
  return (
    <section aria-labelledby="my-accounts-title">
      <h2 id="my-accounts-title">{t.listTitle}</h2>
      <p>{t.listIntro}</p>
      <ul class="account-list">
        {accounts.map((a) => (
          <li key={a.number}>
            <span>
              <strong>{a.number}</strong> — {formatAddress(a)}
              {a.number === current ? <span class="current"> ({t.current})</span> : null}
            </span>
            {accounts.length > 1 ? (
              // A <details> asks for the confirmation without a script.
              <details>
                <summary>{t.remove}</summary>
                <p>{t.removeConfirm(a.number)}</p>
                <form method="post" action="/cabinet/accounts/remove" class="actions">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <input type="hidden" name="account" value={a.number} />
                  <button type="submit" class="primary">
                    {t.removeYes}
                  </button>
                </form>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href="/cabinet/accounts/add">
          {t.addTitle}
        </a>
      </p>
    </section>
  );
}

export type AddAccountView = Partial<AddAccountInput> & {
  kind: AddAccountInput['kind'];
  errors?: AddAccountErrors;
};

/** The "add an account" form: a household's number, surname and IIN, or a company's number, BIN and contract. */
export function AddAccountPage({ ctx, view }: { ctx: PageContext; view: AddAccountView }) {
  const t = accountLinksText[ctx.locale];
  const e = view.errors ?? {};
  const field = boundFields(view, e);
  const legal = view.kind === 'legal';
  return (
    <Layout ctx={ctx} title={t.addTitle} cabinet>
      <p>{t.addIntro}</p>
      <nav class="tabs" aria-label={t.kind}>
        <a
          href="/cabinet/accounts/add"
          aria-current={legal ? undefined : 'page'}
          class={legal ? 'tab' : 'tab active'}
        >
          {t.individual}
        </a>
        <a
          href="/cabinet/accounts/add?kind=legal"
          aria-current={legal ? 'page' : undefined}
          class={legal ? 'tab active' : 'tab'}
        >
          {t.legal}
        </a>
      </nav>
      <Form action="/cabinet/accounts/add" csrfToken={ctx.csrfToken}>
        <input type="hidden" name="kind" value={view.kind} />
        {field('number', t.number, { required: true, maxLength: 20, autocomplete: 'off' })}
        {legal ? (
          <>
            {field('binIin', t.bin, { required: true, inputMode: 'numeric', maxLength: 12 })}
            {field('contract', t.contract, { required: true, maxLength: 40 })}
          </>
        ) : (
          <>
            {field('surname', t.surname, { required: true, maxLength: 100, autocomplete: 'family-name' })}
            {field('binIin', t.iin, { inputMode: 'numeric', maxLength: 12, hint: t.iinHint })}
          </>
        )}
        {e.form ? <Notice kind="error">{e.form}</Notice> : null}
        <button type="submit" class="primary">
          {t.add}
        </button>
      </Form>
    </Layout>
  );
}

export type RevokeState =
  | { kind: 'ask'; token: string }
  | { kind: 'revoked'; number: string; login: string }
  | { kind: 'gone'; number: string }
  | { kind: 'invalid' };

/**
 * The page of the mailed link that removes another user's link to the holder's account: the link
 * opens it (a mail scanner that follows links removes nothing), its button removes.
 */
export function RevokeLinkPage({ ctx, state }: { ctx: PageContext; state: RevokeState }) {
  const t = accountLinksText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.revokeTitle}>
      {state.kind === 'ask' ? (
        <Form action="/accounts/revoke-link" csrfToken={ctx.csrfToken}>
          <input type="hidden" name="token" value={state.token} />
          <p>{t.mailIfNotYou}</p>
          <button type="submit" class="primary">
            {t.revokeButton}
          </button>
        </Form>
      ) : state.kind === 'revoked' ? (
        <Notice kind="success">{t.revokeDone(state.number, maskLogin(state.login))}</Notice>
      ) : state.kind === 'gone' ? (
        <Notice kind="info">{t.revokeAlreadyGone(state.number)}</Notice>
      ) : (
        <Notice kind="error">{t.revokeInvalid}</Notice>
      )}
    </Layout>
  );
}
