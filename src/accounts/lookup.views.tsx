import { Field, Form, SubmitButton } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { lookupText } from './lookup.messages';

export interface LookupView {
  streetId?: string;
  house?: string;
  prefix?: string;
  apartment?: string;
  surname?: string;
  errors?: Partial<Record<'streetId' | 'house' | 'surname', string>>;
  notFound?: boolean;
  found?: { number: string; hasMeters: boolean; token: string };
}

export function LookupPage({
  ctx,
  streets,
  view,
}: {
  ctx: PageContext;
  streets: { id: number; name: string }[];
  view: LookupView;
}) {
  const t = lookupText[ctx.locale];
  const e = view.errors ?? {};
  return (
    <Layout ctx={ctx} title={t.title}>
      <div class="login-box">
        {view.found ? (
          <div class="notice notice-success" role="status">
            <p>
              <strong>{t.found}</strong>
            </p>
            <dl class="facts">
              <div>
                <dt>{t.account}</dt>
                <dd class="account-number">{view.found.number}</dd>
              </div>
              <div>
                <dt>{t.meters}</dt>
                <dd>{view.found.hasMeters ? t.hasMeters : t.noMeters}</dd>
              </div>
            </dl>
            <p>
              <a class="button" href={`/breakdown/anonymous?token=${encodeURIComponent(view.found.token)}`}>
                {t.breakdown}
              </a>{' '}
              <a href="/register">{t.register}</a>
            </p>
          </div>
        ) : (
          <p class="lead">{t.intro}</p>
        )}
        {view.notFound ? <Notice kind="error">{t.notFound}</Notice> : null}
        <Form action="/lookup" csrfToken={ctx.csrfToken}>
          <div class={e.streetId ? 'field has-error' : 'field'}>
            <label for="f-streetId">
              {t.street}
              <span class="req"> *</span>
            </label>
            <select id="f-streetId" name="streetId" required aria-invalid={e.streetId ? 'true' : undefined}>
              <option value="">{t.chooseStreet}</option>
              {streets.map((s) => (
                <option key={s.id} value={String(s.id)} selected={view.streetId === String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
            {e.streetId ? <p class="error">{e.streetId}</p> : null}
          </div>
          <Field name="house" label={t.house} value={view.house} error={e.house} maxLength={10} required />
          <Field name="prefix" label={t.prefix} value={view.prefix} hint={t.prefixHint} maxLength={5} />
          <Field name="apartment" label={t.apartment} value={view.apartment} maxLength={10} />
          <Field
            name="surname"
            label={t.surname}
            value={view.surname}
            error={e.surname}
            maxLength={100}
            required
          />
          <SubmitButton>{t.find}</SubmitButton>
        </Form>
      </div>
    </Layout>
  );
}
