import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app';
import { audit } from '../auth/audit';
import { type ExchangeRunResult, runExchange } from '../exchange/exchange.job';
import { type ExchangeProblem, problemText } from '../exchange/exchange.messages';
import { type ImportReport, importFile } from '../exchange/import.service';
import { defineMessages, formatDateTime, type Locale } from '../i18n/locales';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { requireOperator } from './guard';
import { BackofficeLayout } from './layout';

const text = defineMessages({
  kk: {
    title: 'Алмасу және тарату',
    runs: 'Соңғы импорт пен экспорттар',
    empty: 'Әзірге іске қосулар жоқ.',
    mail: 'Хат тарату есебі (айлар бойынша)',
    month: 'Ай',
    purpose: 'Мақсаты',
    status: 'Күйі',
    count: 'Саны',
    noMail: 'Хаттар жоқ.',
    mailings: 'Ай сайынғы шот-хабарлама таратуының есебі',
    outbox: 'Хат кезегі: мақсаты мен күйі бойынша',
    uploadTitle: 'Импорт файлын жүктеу',
    file: 'CSV файлы (UTF-8 немесе Windows-1251)',
    uploadButton: 'Импорттау',
    noFile: 'Файлды таңдаңыз.',
    runTitle: 'Алмасуды қазір іске қосу',
    runHint:
      'EXCHANGE_DIR/in қалтасындағы файлдар импортталады, жаңа көрсеткіштер EXCHANGE_DIR/out қалтасына экспортталады.',
    runButton: 'Іске қосу',
    alreadyRunning: (since: string) => `Алмасу қазір орындалуда (${since} бастап). Ол аяқталғанша күтіңіз.`,
    alreadyRunningNow: 'Алмасу қазір орындалуда. Ол аяқталғанша күтіңіз.',
    started: 'Басталды',
    kind: 'Түрі',
    fileCol: 'Файл',
    rowsRead: 'Оқылды',
    inserted: 'Қосылды',
    updated: 'Жаңартылды',
    unchanged: 'Өзгеріссіз',
    rejectedRows: 'Қабылданбады',
    problems: 'Қателер',
    result: 'Нәтиже',
    exported: 'Экспортталған көрсеткіштер',
    kinds: { import: 'импорт', export: 'экспорт' },
    statuses: { running: 'орындалуда', succeeded: 'сәтті', rejected: 'қабылданбады', failed: 'қате' },
  },
  ru: {
    title: 'Обмен и рассылка',
    runs: 'Последние импорты и экспорты',
    empty: 'Запусков пока нет.',
    mail: 'Отчёт о рассылке (по месяцам)',
    month: 'Месяц',
    purpose: 'Назначение',
    status: 'Статус',
    count: 'Количество',
    noMail: 'Писем нет.',
    mailings: 'Отчёт о ежемесячной рассылке счетов',
    outbox: 'Очередь писем: по назначению и статусу',
    uploadTitle: 'Загрузить файл импорта',
    file: 'Файл CSV (UTF-8 или Windows-1251)',
    uploadButton: 'Импортировать',
    noFile: 'Выберите файл.',
    runTitle: 'Запустить обмен сейчас',
    runHint: 'Будут импортированы файлы из EXCHANGE_DIR/in, новые показания выгружены в EXCHANGE_DIR/out.',
    runButton: 'Запустить',
    alreadyRunning: (since: string) => `Обмен уже выполняется с ${since}. Дождитесь его окончания.`,
    alreadyRunningNow: 'Обмен уже выполняется. Дождитесь его окончания.',
    started: 'Начало',
    kind: 'Вид',
    fileCol: 'Файл',
    rowsRead: 'Прочитано',
    inserted: 'Добавлено',
    updated: 'Обновлено',
    unchanged: 'Без изменений',
    rejectedRows: 'Отклонено',
    problems: 'Ошибки',
    result: 'Результат',
    exported: 'Выгружено показаний',
    kinds: { import: 'импорт', export: 'экспорт' },
    statuses: { running: 'выполняется', succeeded: 'успешно', rejected: 'отклонён', failed: 'ошибка' },
  },
  en: {
    title: 'Exchange and mailing',
    runs: 'Latest imports and exports',
    empty: 'No runs yet.',
    mail: 'Mailing report (by month)',
    month: 'Month',
    purpose: 'Purpose',
    status: 'Status',
    count: 'Count',
    noMail: 'No mail.',
    mailings: 'Monthly invoice mailing report',
    outbox: 'Mail queue by purpose and status',
    uploadTitle: 'Upload an import file',
    file: 'CSV file (UTF-8 or Windows-1251)',
    uploadButton: 'Import',
    noFile: 'Choose a file.',
    runTitle: 'Run the exchange now',
    runHint: 'Imports the files in EXCHANGE_DIR/in and exports new readings to EXCHANGE_DIR/out.',
    runButton: 'Run now',
    alreadyRunning: (since: string) =>
      `The exchange is already running since ${since}. Wait until it finishes.`,
    alreadyRunningNow: 'The exchange is already running. Wait until it finishes.',
    started: 'Started',
    kind: 'Kind',
    fileCol: 'File',
    rowsRead: 'Read',
    inserted: 'Inserted',
    updated: 'Updated',
    unchanged: 'Unchanged',
    rejectedRows: 'Rejected',
    problems: 'Problems',
    result: 'Result',
    exported: 'Readings exported',
    kinds: { import: 'import', export: 'export' },
    statuses: { running: 'running', succeeded: 'succeeded', rejected: 'rejected', failed: 'failed' },
  },
});

type ExchangeText = (typeof text)['kk'];

interface RunRow {
  id: number;
  kind: 'import' | 'export';
  file: string;
  started_at: Date;
  status: 'running' | 'succeeded' | 'rejected' | 'failed';
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  errors: unknown;
}

function problemsOf(errors: unknown, locale: Locale): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, 5).map((e) => {
    const p = e as ExchangeProblem & { message?: string };
    const where = p.line ? `${p.file}:${p.line}` : p.file;
    return `${where} — ${p.code ? problemText(p, locale) : (p.message ?? '')}`;
  });
}

function RunsTable({ runs, t, locale }: { runs: RunRow[]; t: ExchangeText; locale: Locale }) {
  return (
    <div class="table-wrap">
      <table class="data" id="runs">
        <thead>
          <tr>
            <th>{t.started}</th>
            <th>{t.kind}</th>
            <th>{t.fileCol}</th>
            <th>{t.status}</th>
            <th class="num">{t.rowsRead}</th>
            <th class="num">{t.inserted}</th>
            <th class="num">{t.updated}</th>
            <th class="num">{t.unchanged}</th>
            <th class="num">{t.rejectedRows}</th>
            <th>{t.problems}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={String(r.id)}>
              <td>{formatDateTime(r.started_at)}</td>
              <td>{t.kinds[r.kind]}</td>
              <td>{r.file}</td>
              <td>{t.statuses[r.status]}</td>
              <td class="num">{r.rows_read}</td>
              <td class="num">{r.rows_inserted}</td>
              <td class="num">{r.rows_updated}</td>
              <td class="num">{r.rows_unchanged}</td>
              <td class="num">{r.rows_rejected}</td>
              <td>
                {problemsOf(r.errors, locale).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export async function backofficeExchangeRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  app.addHook('preHandler', requireOperator(db));
  // Uploads: fields as plain values (so the CSRF token reads as usual), the file kept in memory
  // with its name, which tells the import what the file holds (accounts.csv, meters.csv, ...).
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 200 * 1024 * 1024, files: 1 },
    async onFile(part) {
      (part as unknown as { value: unknown }).value = { name: part.filename, bytes: await part.toBuffer() };
    },
  });

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    result?: { reports: ImportReport[]; exported?: number; error?: string },
    status = 200,
  ) => {
    const t = text[req.locale];
    const ctx = pageContext(req, reply);
    const runs = (await db
      .selectFrom('exchange_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(20)
      .execute()) as unknown as RunRow[];
    const mail = await sql<{ month: string; purpose: string; status: string; n: number }>`
      select to_char(created_at, 'YYYY-MM') as month, purpose, status, count(*)::int as n
      from mail_outbox where created_at > now() - interval '12 months'
      group by 1, 2, 3 order by 1 desc, 2, 3`.execute(db);
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.title}>
        {result ? (
          <section id="exchange-result">
            <h2>{t.result}</h2>
            {result.error ? <Notice kind="error">{result.error}</Notice> : null}
            {result.reports.map((r) => (
              <Notice key={String(r.runId)} kind={r.status === 'succeeded' ? 'success' : 'error'}>
                {`${r.file}: ${t.statuses[r.status]} — ${t.rowsRead} ${r.rowsRead}, ${t.inserted} ${r.inserted}, ${t.updated} ${r.updated}, ${t.unchanged} ${r.unchanged}, ${t.rejectedRows} ${r.rejected}`}
                {r.problems.length ? (
                  <ul>
                    {r.problems.slice(0, 50).map((p) => (
                      <li key={`${p.file}:${p.line}:${p.code}`}>{`${p.file}:${p.line} — ${p.message}`}</li>
                    ))}
                  </ul>
                ) : null}
              </Notice>
            ))}
            {result.exported !== undefined ? (
              <Notice kind="info">{`${t.exported}: ${result.exported}`}</Notice>
            ) : null}
          </section>
        ) : null}
        <h2>{t.uploadTitle}</h2>
        <form method="post" action="/backoffice/exchange/upload" enctype="multipart/form-data" class="form">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <div class="field">
            <label for="f-file">{t.file}</label>
            <input id="f-file" type="file" name="file" accept=".csv,text/csv" />
          </div>
          <button type="submit" class="primary">
            {t.uploadButton}
          </button>
        </form>
        <h2>{t.runTitle}</h2>
        <form method="post" action="/backoffice/exchange/run" class="form">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <p class="hint">{t.runHint}</p>
          <button type="submit">{t.runButton}</button>
        </form>
        <h2>{t.runs}</h2>
        {runs.length === 0 ? <p>{t.empty}</p> : <RunsTable runs={runs} t={t} locale={req.locale} />}
        <h2>{t.mail}</h2>
        <p>
          <a href="/backoffice/mailings">{t.mailings}</a>
        </p>
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
      status,
    );
  };

  app.get('/backoffice/exchange', (req, reply) => page(req, reply));

  app.post('/backoffice/exchange/upload', async (req, reply) => {
    const t = text[req.locale];
    const file = (req.body as { file?: { name?: string; bytes?: Buffer } } | undefined)?.file;
    if (!file?.name || !file.bytes?.length) return page(req, reply, { reports: [], error: t.noFile }, 400);
    const report = await importFile(db, { name: file.name, bytes: file.bytes }, { locale: req.locale });
    await audit(db, {
      actorUserId: req.user?.id ?? null,
      action: 'exchange.upload',
      subject: file.name,
      ip: req.ip,
      details: { status: report.status, rows: report.rowsRead, rejected: report.rejected },
    });
    return page(req, reply, { reports: [report] }, report.status === 'succeeded' ? 200 : 422);
  });

  app.post('/backoffice/exchange/run', async (req, reply) => {
    let result: ExchangeRunResult;
    try {
      result = await singleFlight(db, RUNS.exchange, () => runExchange(db, config.EXCHANGE_DIR));
    } catch (error) {
      if (!(error instanceof AlreadyRunning)) throw error;
      const t = text[req.locale];
      const busy = error.since ? t.alreadyRunning(formatDateTime(error.since)) : t.alreadyRunningNow;
      return page(req, reply, { reports: [], error: busy }, 409);
    }
    await audit(db, {
      actorUserId: req.user?.id ?? null,
      action: 'exchange.run',
      subject: config.EXCHANGE_DIR,
      ip: req.ip,
      details: { imports: result.imports.length, exported: result.export.rows },
    });
    return page(req, reply, { reports: result.imports, exported: result.export.rows });
  });
}
