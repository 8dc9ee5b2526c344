import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app';
import { defineMessages, formatDateTime } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { requireOperator } from './guard';
import { BackofficeLayout } from './layout';

const text = defineMessages({
  kk: {
    title: 'Алмасу және тарату',
    runs: 'Соңғы импорт пен экспорттар',
    noRuns:
      'Алмасу қызметі әлі орнатылмаған (exchange_runs кестесі жоқ): импорт файлын жүктеу және іске қосу осы жерде пайда болады.',
    empty: 'Әзірге іске қосулар жоқ.',
    mail: 'Хат тарату есебі (айлар бойынша)',
    month: 'Ай',
    purpose: 'Мақсаты',
    status: 'Күйі',
    count: 'Саны',
    noMail: 'Хаттар жоқ.',
    mailings: 'Ай сайынғы шот-хабарлама таратуының есебі',
    outbox: 'Хат кезегі: мақсаты мен күйі бойынша',
    upload:
      'Импорт файлын жүктеу және іске қосу алмасу қызметімен бірге қосылады; әзірге алмасу `npm run exchange` командасымен орындалады.',
  },
  ru: {
    title: 'Обмен и рассылка',
    runs: 'Последние импорты и экспорты',
    noRuns:
      'Служба обмена ещё не установлена (нет таблицы exchange_runs): загрузка файла импорта и запуск появятся здесь.',
    empty: 'Запусков пока нет.',
    mail: 'Отчёт о рассылке (по месяцам)',
    month: 'Месяц',
    purpose: 'Назначение',
    status: 'Статус',
    count: 'Количество',
    noMail: 'Писем нет.',
    mailings: 'Отчёт о ежемесячной рассылке счетов',
    outbox: 'Очередь писем: по назначению и статусу',
    upload:
      'Загрузка файла импорта и запуск появятся вместе со службой обмена; пока обмен выполняется командой `npm run exchange`.',
  },
  en: {
    title: 'Exchange and mailing',
    runs: 'Latest imports and exports',
    noRuns:
      'The exchange service is not installed yet (no exchange_runs table): uploading an import file and starting a run will appear here.',
    empty: 'No runs yet.',
    mail: 'Mailing report (by month)',
    month: 'Month',
    purpose: 'Purpose',
    status: 'Status',
    count: 'Count',
    noMail: 'No mail.',
    mailings: 'Monthly invoice mailing report',
    outbox: 'Mail queue by purpose and status',
    upload:
      'Uploading an import file and starting a run arrive with the exchange service; until then the exchange runs with `npm run exchange`.',
  },
});

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatDateTime(value);
  if (typeof value === 'object') return JSON.stringify(value).slice(0, 300);
  return String(value).slice(0, 300);
}

export async function backofficeExchangeRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.addHook('preHandler', requireOperator(db));

  app.get('/backoffice/exchange', async (req, reply) => {
    const t = text[req.locale];
    const ctx = pageContext(req, reply);
    // The exchange capability owns exchange_runs; until it is installed the page says so.
    const exists = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.tables where table_name = 'exchange_runs'`.execute(
      db,
    );
    let runs: Record<string, unknown>[] | null = null;
    if ((exists.rows[0]?.n ?? 0) > 0) {
      runs = (
        await sql<Record<string, unknown>>`select * from exchange_runs order by 1 desc limit 20`.execute(db)
      ).rows;
    }
    const mail = await sql<{ month: string; purpose: string; status: string; n: number }>`
      select to_char(created_at, 'YYYY-MM') as month, purpose, status, count(*)::int as n
      from mail_outbox where created_at > now() - interval '12 months'
      group by 1, 2, 3 order by 1 desc, 2, 3`.execute(db);
    const columns = runs?.[0] ? Object.keys(runs[0]) : [];
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.title}>
        <h2>{t.runs}</h2>
        {runs === null ? <Notice kind="info">{t.noRuns}</Notice> : null}
        {runs && runs.length === 0 ? <p>{t.empty}</p> : null}
        {runs?.length ? (
          <div class="table-wrap">
            <table class="data" id="runs">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {runs.map((r, i) => (
                  <tr key={String(i)}>
                    {columns.map((c) => (
                      <td key={c}>{cell(r[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {runs === null ? null : <p class="muted">{t.upload}</p>}
        <h2>{t.mail}</h2>
        {app.hasRoute({ method: 'GET', url: '/backoffice/mailings' }) ? (
          <p>
            <a href="/backoffice/mailings">{t.mailings}</a>
          </p>
        ) : null}
        <p class="muted">{t.outbox}</p>
        {mail.rows.length === 0 ? <p>{t.noMail}</p> : null}
        {mail.rows.length ? (
          <div class="table-wrap">
            <table class="data" id="mail-report">
              <thead>
                <tr>
                  <th>{t.month}</th>
                  <th>{t.purpose}</th>
                  <th>{t.status}</th>
                  <th class="num">{t.count}</th>
                </tr>
              </thead>
              <tbody>
                {mail.rows.map((r) => (
                  <tr key={`${r.month}-${r.purpose}-${r.status}`}>
                    <td>{r.month}</td>
                    <td>{r.purpose}</td>
                    <td>{r.status}</td>
                    <td class="num">{r.n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </BackofficeLayout>,
    );
  });
}
