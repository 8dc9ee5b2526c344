import { localDate, localDateTime } from '../calendar/calendar';
import type { Locale } from '../i18n/locales';
import { type Column, DataTable } from '../web/data-table';
import { newFormKey } from '../web/form-key';
import { CurrentPasswordField, Field, Form, SubmitButton } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { apiTokensText } from './api-tokens.messages';
import type { TokenListRow } from './api-tokens.queries';
import type { TokenErrors } from './create-api-token.service';
import { NAME_MAX, SCOPES } from './token-rules';

/** What the create form shows again after a refusal: the typed values (never the password). */
export interface TokenFormValues {
  name: string;
  scopes: string[];
  expires: string;
}

export interface TokensPageView {
  tokens: TokenListRow[];
  now: Date;
  form?: { values: TokenFormValues; errors: TokenErrors };
  created?: { token: string; name: string };
  done?: 'revoked' | 'duplicate';
}

/** The last day a token works (its expiry is the midnight after it, Almaty time). */
function lastDay(expiresAt: Date): string {
  return localDate(new Date(expiresAt.getTime() - 1));
}

function validity(locale: Locale, row: TokenListRow, now: Date): string {
  const t = apiTokensText[locale];
  if (row.revokedAt) return t.revoked;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return t.expired;
  return row.expiresAt ? t.until(lastDay(row.expiresAt)) : t.noExpiry;
}

function TokenList({ ctx, tokens, now }: { ctx: PageContext; tokens: TokenListRow[]; now: Date }) {
  const t = apiTokensText[ctx.locale];
  const columns: Column<TokenListRow>[] = [
    { head: t.col.name, cell: (r) => r.name },
    { head: t.col.token, cell: (r) => <code>{r.hint}</code> },
    { head: t.col.scopes, cell: (r) => r.scopes.join(', ') },
    { head: t.col.created, cell: (r) => localDateTime(r.createdAt) },
    { head: t.col.lastUsed, cell: (r) => (r.lastUsedAt ? localDateTime(r.lastUsedAt) : t.neverUsed) },
    { head: t.col.expires, cell: (r) => validity(ctx.locale, r, now) },
    {
      head: t.col.action,
      cell: (r) =>
        r.revokedAt ? null : (
          <form method="post" action={`/cabinet/tokens/${r.id}/revoke`} class="inline">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <button type="submit" aria-label={t.revokeLabel(r.name)}>
              {t.revoke}
            </button>
          </form>
        ),
    },
  ];
  return <DataTable id="tokens" columns={columns} rows={tokens} rowKey={(r) => r.id} />;
}

function CreateForm({ ctx, form }: { ctx: PageContext; form: TokensPageView['form'] }) {
  const t = apiTokensText[ctx.locale];
  const values = form?.values ?? { name: '', scopes: ['readings:write'], expires: '' };
  const errors = form?.errors ?? {};
  return (
    <Form action="/cabinet/tokens" csrfToken={ctx.csrfToken} id="new-token-form">
      <input type="hidden" name="form_key" value={newFormKey()} />
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <Field
        name="name"
        label={t.name}
        hint={t.nameHint}
        value={values.name}
        error={errors.name}
        maxLength={NAME_MAX}
        required
      />
      <fieldset class={errors.scopes ? 'field has-error' : 'field'}>
        <legend>{t.scopes}</legend>
        {SCOPES.map((s) => (
          <div class="checkbox" key={s}>
            <label>
              <input type="checkbox" name="scopes" value={s} checked={values.scopes.includes(s)} />{' '}
              <code>{s}</code> — {t.scope[s]}
            </label>
          </div>
        ))}
        {errors.scopes ? <p class="error">{errors.scopes}</p> : null}
      </fieldset>
      <Field
        name="expires"
        type="date"
        label={t.expires}
        hint={t.expiresHint}
        value={values.expires}
        error={errors.expires}
      />
      <CurrentPasswordField label={t.current} hint={t.currentHint} error={errors.current} />
      <SubmitButton>{t.create}</SubmitButton>
    </Form>
  );
}

/** The API tokens page: the token just created (once), the customer's tokens, the create form. */
export function TokensPage({ ctx, view }: { ctx: PageContext; view: TokensPageView }) {
  const t = apiTokensText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {view.created ? (
        <Notice kind="success">
          <p>
            <strong>{t.created}</strong>: {view.created.name}
          </p>
          <p>{t.once}</p>
          <p>
            <code id="new-token">{view.created.token}</code>
          </p>
        </Notice>
      ) : null}
      {view.done === 'revoked' ? <Notice kind="success">{t.revokedNotice}</Notice> : null}
      {view.done === 'duplicate' ? <Notice kind="info">{t.duplicateNotice}</Notice> : null}
      {view.form && Object.keys(view.form.errors).length > 0 && !view.form.errors.form ? (
        <Notice kind="error">{t.fixErrors}</Notice>
      ) : null}
      <p>{t.intro}</p>
      <p>
        <a href="/api/docs/openapi.json">{t.docs}</a>
      </p>
      <h2>{t.yours}</h2>
      {view.tokens.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <TokenList ctx={ctx} tokens={view.tokens} now={view.now} />
      )}
      <h2>{t.newToken}</h2>
      <CreateForm ctx={ctx} form={view.form} />
    </Layout>
  );
}

/** The link to the tokens page, for the personal data page. */
export function TokensLink({ locale }: { locale: Locale }) {
  return (
    <p>
      <a href="/cabinet/tokens">{apiTokensText[locale].link}</a>
    </p>
  );
}
