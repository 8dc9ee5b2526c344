import { TokensLink } from '../api-tokens/api-tokens.views';
import { common } from '../i18n/common';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { type AccountView, formatAddress } from './accounts.queries';
import { personalText } from './personal.messages';

/** "0.00" -> "0", "120.50" -> "120.5". */
function formatDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

/** The cabinet's first page: the account's facts, and the user's address. */
export function PersonalPage({
  ctx,
  account,
  email,
}: {
  ctx: PageContext;
  account: AccountView;
  email: string;
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
      <dl class="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <TokensLink locale={ctx.locale} />
    </Layout>
  );
}
