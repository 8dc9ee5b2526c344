import { TokensLink } from '../api-tokens/api-tokens.views';
import { common } from '../i18n/common';
import { Facts } from '../web/forms';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { type AccountView, formatAddress } from './accounts.queries';
import { personalText } from './personal.messages';

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (all, k: string) => values[k] ?? all);

/** The day of a consent in Almaty time: 30.11.2026. */
function formatDate(at: Date, _locale: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Asia/Almaty',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
}

/** "0.00" -> "0", "120.50" -> "120.5". */
function formatDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

/** The cabinet's first page: the account's facts, and the user's address. */
export function PersonalPage({
  ctx,
  account,
  email,
  consent,
}: {
  ctx: PageContext;
  account: AccountView;
  email: string;
  consent?: { text_version: string; agreed_at: Date } | undefined;
}) {
  const t = personalText[ctx.locale];
  const c = common[ctx.locale].cabinet;
  const rows: [string, string][] = [
    [c.account, account.number],
    [c.owner, account.ownerName],
    [c.address, formatAddress(account)],
    [t.kind, account.kind === 'legal' ? t.legal : t.individual],
    [t.residents, String(account.residents)],
    [t.irrigation, formatDecimal(account.irrigationAreaM2)],
    [t.meters, account.hasMeters ? t.hasMeters : t.noMeters],
    [t.email, email],
  ];
  if (account.kind === 'legal') {
    rows.push([t.contract, account.contractNumber ?? ''], [t.binIin, account.binIin ?? '']);
  }
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      <Facts rows={rows} />
      <TokensLink locale={ctx.locale} />
      <section aria-labelledby="my-data-title">
        <h2 id="my-data-title">{t.dataTitle}</h2>
        <p>
          {consent
            ? fill(t.consentGiven, {
                version: consent.text_version,
                date: formatDate(consent.agreed_at, ctx.locale),
              })
            : t.consentNone}{' '}
          <a href="/privacy">{t.privacyLink}</a>
        </p>
        <p>{t.exportIntro}</p>
        <ul class="downloads">
          <li>
            <a href="/cabinet/my-data.json" download>
              {t.exportJson}
            </a>
          </li>
          <li>
            <a href="/cabinet/my-data.csv" download>
              {t.exportCsv}
            </a>
          </li>
        </ul>
      </section>
    </Layout>
  );
}
