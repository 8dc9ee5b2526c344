import { BackofficeLayout } from '../backoffice/layout';
import { LOCALES, type Locale, type NotificationKind } from '../db/schema';
import { ScrollBox } from '../web/data-table';
import { Form } from '../web/forms';
import { LANGUAGE_NAMES, Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { notificationText } from './notifications.messages';
import type { SentCount } from './notifications.queries';
import { NOTIFICATION_KINDS, PREFERENCE_KINDS } from './schedule';

/** Under Subscriptions: each reminder and alert on or off, and the language of the messages. */
export function PreferencesPage(props: {
  ctx: PageContext;
  disabled: readonly NotificationKind[];
  locale: Locale;
  hasEmail: boolean;
  saved?: boolean;
}) {
  const t = notificationText[props.ctx.locale];
  return (
    <Layout ctx={props.ctx} title={t.page.title} cabinet>
      {props.saved ? <Notice kind="success">{t.page.saved}</Notice> : null}
      {props.hasEmail ? null : <Notice kind="info">{t.page.noEmail}</Notice>}
      <p>{t.page.intro}</p>
      <Form action="/cabinet/notifications" csrfToken={props.ctx.csrfToken}>
        <fieldset>
          <legend>{t.page.title}</legend>
          {PREFERENCE_KINDS.map((kind) => (
            <div class="field checkbox" key={kind}>
              <label>
                <input type="checkbox" name="kind" value={kind} checked={!props.disabled.includes(kind)} />{' '}
                <strong>{t.kinds[kind].name}</strong>: {t.kinds[kind].about}
              </label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="f-locale">{t.page.language}</label>
          <select id="f-locale" name="locale">
            {LOCALES.map((l) => (
              <option key={l} value={l} selected={l === props.locale}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary">
          {t.page.submit}
        </button>
      </Form>
      <p>
        <a href="/cabinet/subscriptions">{t.page.back}</a>
      </p>
    </Layout>
  );
}

/** The page an unsubscribe link opens: one button; after it, what was turned off. */
export function UnsubscribePage(props: {
  ctx: PageContext;
  token: string;
  kind: NotificationKind | null;
  done: boolean;
}) {
  const t = notificationText[props.ctx.locale];
  const name = props.kind ? t.kinds[props.kind].name : '';
  return (
    <Layout ctx={props.ctx} title={t.unsubscribe.title}>
      {!props.kind ? (
        <Notice kind="error">{t.unsubscribe.invalid}</Notice>
      ) : props.done ? (
        <Notice kind="success">{t.unsubscribe.done(name)}</Notice>
      ) : (
        <form method="post" action={`/unsubscribe/${props.token}`} class="form">
          <p>{t.unsubscribe.question(name)}</p>
          <button type="submit" class="primary">
            {t.unsubscribe.confirm}
          </button>
        </form>
      )}
      <p>
        <a href="/cabinet/notifications">{t.unsubscribe.preferences}</a>
      </p>
    </Layout>
  );
}

/** For staff: what went out per kind and month, and a test message to oneself. */
export function BackofficeNotificationsPage(props: {
  ctx: PageContext;
  counts: SentCount[];
  notice?: { kind: 'success' | 'error'; text: string };
}) {
  const t = notificationText[props.ctx.locale];
  const months = [...new Set(props.counts.map((c) => c.month))];
  const count = (month: string, kind: NotificationKind) =>
    props.counts.find((c) => c.month === month && c.kind === kind)?.count ?? 0;
  return (
    <BackofficeLayout ctx={props.ctx} title={t.backoffice.title}>
      {props.notice ? <Notice kind={props.notice.kind}>{props.notice.text}</Notice> : null}
      <p>{t.backoffice.intro}</p>
      {months.length === 0 ? (
        <p>{t.backoffice.none}</p>
      ) : (
        <ScrollBox class="table-wrap">
          <table class="data counts" id="notifications-sent">
            <thead>
              <tr>
                <th scope="col">{t.backoffice.month}</th>
                {NOTIFICATION_KINDS.map((k) => (
                  <th scope="col" class="num" key={k}>
                    {t.kinds[k].name}
                  </th>
                ))}
                <th scope="col" class="num">
                  {t.backoffice.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr key={m}>
                  <th scope="row">{m}</th>
                  {NOTIFICATION_KINDS.map((k) => (
                    <td class="num" key={k}>
                      {count(m, k)}
                    </td>
                  ))}
                  <td class="num">{NOTIFICATION_KINDS.reduce((s, k) => s + count(m, k), 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <h2>{t.backoffice.testTitle}</h2>
      <Form action="/backoffice/notifications/test" csrfToken={props.ctx.csrfToken}>
        <p>{t.backoffice.testIntro}</p>
        <button type="submit">{t.backoffice.testButton}</button>
      </Form>
    </BackofficeLayout>
  );
}
