import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { common } from '../i18n/common';
import { defineMessages } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout } from '../web/layout';
import { pageContext } from '../web/request-context';
import { customerAccount } from './access';
import { formatAddress } from './accounts.queries';

/** "0.00" -> "0", "120.50" -> "120.5". */
function formatDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

const text = defineMessages({
  kk: {
    title: 'Жеке деректер',
    residents: 'Тұрғындар саны',
    irrigation: 'Суару алаңы, м²',
    meters: 'Есептегіштер',
    hasMeters: 'бар',
    noMeters: 'жоқ (норма бойынша есептеледі)',
    email: 'Email',
    contract: 'Шарт №',
    binIin: 'ЖСН / БСН',
    kind: 'Тұтынушы түрі',
    individual: 'Жеке тұлға',
    legal: 'Заңды тұлға',
  },
  ru: {
    title: 'Личные данные',
    residents: 'Количество проживающих',
    irrigation: 'Площадь полива, м²',
    meters: 'Приборы учёта',
    hasMeters: 'есть',
    noMeters: 'нет (начисление по нормативу)',
    email: 'Email',
    contract: 'Договор №',
    binIin: 'ИИН / БИН',
    kind: 'Тип потребителя',
    individual: 'Физическое лицо',
    legal: 'Юридическое лицо',
  },
  en: {
    title: 'Personal data',
    residents: 'Residents',
    irrigation: 'Irrigation area, m²',
    meters: 'Meters',
    hasMeters: 'installed',
    noMeters: 'none (charged by norm)',
    email: 'Email',
    contract: 'Contract no.',
    binIin: 'IIN / BIN',
    kind: 'Customer type',
    individual: 'Individual',
    legal: 'Legal entity',
  },
});

export async function personalRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/cabinet', { preHandler: requireCustomer }, async (req, reply) => {
    const account = await customerAccount(db, req);
    const t = text[req.locale];
    const c = common[req.locale].cabinet;
    const ctx = pageContext(req, reply);
    const rows: [string, string][] = [
      [c.account, account.number],
      [c.owner, account.ownerName],
      [c.address, formatAddress(account)],
      [t.kind, account.kind === 'legal' ? t.legal : t.individual],
      [t.residents, String(account.residents)],
      [t.irrigation, formatDecimal(account.irrigationAreaM2)],
      [t.meters, account.hasMeters ? t.hasMeters : t.noMeters],
      [t.email, req.user?.email ?? ''],
    ];
    if (account.kind === 'legal') {
      rows.push([t.contract, account.contractNumber ?? ''], [t.binIin, account.binIin ?? '']);
    }
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.title} cabinet>
        <dl class="facts">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </Layout>,
    );
  });
}
