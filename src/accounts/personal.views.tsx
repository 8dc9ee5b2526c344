import { TokensLink } from '../api-tokens/api-tokens.views';
import { common } from '../i18n/common';
import { fill } from '../i18n/locales';
import { Facts } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { accountLinksText } from './account-links.messages';
import { AccountList } from './account-links.views';
import { type AccountView, formatAddress } from './accounts.queries';
import { personalText } from './personal.messages';

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

/** What was just done to the list (an add, a removal, a refused removal of the last account). */
function DoneNotice({ ctx, done }: { ctx: PageContext; done: { kind: string; number: string } | undefined }) {
  const t = accountLinksText[ctx.locale];
  if (done?.kind === 'added') return <Notice kind="success">{t.added(done.number)}</Notice>;
  if (done?.kind === 'removed') return <Notice kind="success">{t.removed(done.number)}</Notice>;
  if (done?.kind === 'last') return <Notice kind="error">{t.lastAccount}</Notice>;
  return null;
}

/** The cabinet's first page: the account's facts, the user's accounts, and the user's address. */
export function PersonalPage({
  ctx,
  account,
  accounts,
  done,
  email,
  consent,
}: {
  ctx: PageContext;
  account: AccountView | undefined;
  accounts: AccountView[];
  done?: { kind: string; number: string } | undefined;
  email: string;
  consent?: { text_version: string; agreed_at: Date } | undefined;
}) {
  const t = personalText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      <DoneNotice ctx={ctx} done={done} />
      {account ? <AccountFacts ctx={ctx} account={account} email={email} /> : null}
      <AccountList ctx={ctx} accounts={accounts} current={account?.number} />
      <TokensLink locale={ctx.locale} />
      <MyData ctx={ctx} consent={consent} />
    </Layout>
  );
}

/** The facts of the account shown. */
function AccountFacts({ ctx, account, email }: { ctx: PageContext; account: AccountView; email: string }) {
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
  return <Facts rows={rows} />;
}

/** The consent given and the download of the user's own data. */
function MyData({
  ctx,
  consent,
}: {
  ctx: PageContext;
  consent?: { text_version: string; agreed_at: Date } | undefined;
}) {
  const t = personalText[ctx.locale];
  return (
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
  );
}
