import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import { type ExchangeRunResult, runExchange } from '../exchange/exchange.job';
import { type ExchangeProblem, problemText } from '../exchange/exchange.messages';
import { type ImportReport, importPath } from '../exchange/import.service';
import { defineMessages, formatDateTime, type Locale } from '../i18n/locales';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';
import { receiveUpload, uploadRoot } from './upload';

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
    badName:
      'Файл атауы жарамсыз: атауда жол бөлгіштері (/ немесе \\), «..» және басқару таңбалары болмауы керек.',
    tooLarge: (mb: number) => `Файл тым үлкен: ең көбі ${mb} МБ.`,
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
    badName:
      'Недопустимое имя файла: в имени не должно быть разделителей пути (/ или \\), «..» и управляющих символов.',
    tooLarge: (mb: number) => `Файл слишком большой: не более ${mb} МБ.`,
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
    badName:
      'Bad file name: the name must not contain path separators (/ or \\), ".." or control characters.',
    tooLarge: (mb: number) => `The file is too large: at most ${mb} MB.`,
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
  // Uploads are read as a stream, after the checks: the back-office guard sees the session at the
  // request's headers, then the form's first field (the CSRF token) is read and checked, and only
  // then is the file streamed to a temporary file, at most EXCHANGE_UPLOAD_MAX_MB.
  const maxBytes = config.EXCHANGE_UPLOAD_MAX_MB * 1024 * 1024;
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 50 },
    throwFileSizeLimit: false,
    // The name as sent, so a name with a path is refused with a message rather than renamed.
    preservePath: true,
  });
  const pendingParts = new WeakMap<
    FastifyRequest,
    { parts: AsyncIterator<Multipart>; first: Multipart | null }
  >();

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

  app.post(
    '/backoffice/exchange/upload',
    {
      // The CSRF token is the form's first field: read it (and nothing more) for the app's CSRF
      // check, which runs next, before the handler reads the file. A token in a header works too.
      preValidation: async (req) => {
        if (!req.isMultipart()) return;
        const parts = req.parts()[Symbol.asyncIterator]();
        // A malformed body reads as "no token" (the CSRF check refuses it), never as a 500.
        const next = await parts.next().catch(() => ({ done: true as const, value: undefined }));
        const first = next.done ? null : next.value;
        if (first?.type === 'field' && first.fieldname === '_csrf') {
          req.body = { _csrf: String(first.value ?? '') };
          pendingParts.set(req, { parts, first: null });
        } else {
          req.body = {};
          pendingParts.set(req, { parts, first });
        }
      },
      // A refused request leaves the rest of its body unread: the connection is closed after the answer.
      onSend: async (req, reply) => {
        if (reply.statusCode >= 400 && pendingParts.has(req)) reply.header('connection', 'close');
      },
    },
    async (req, reply) => {
      const t = text[req.locale];
      const pending = pendingParts.get(req);
      if (!pending) return page(req, reply, { reports: [], error: t.noFile }, 400);
      pendingParts.delete(req);
      const upload = await receiveUpload(pending.parts, pending.first, {
        maxBytes,
        root: uploadRoot(config.DATA_DIR),
        request: req.raw,
      }).catch((error: Error) => {
        req.log.info({ err: error }, 'unreadable upload');
        return { kind: 'none' as const };
      });
      if (upload.kind !== 'file') {
        const error =
          upload.kind === 'bad-name'
            ? t.badName
            : upload.kind === 'too-large'
              ? t.tooLarge(config.EXCHANGE_UPLOAD_MAX_MB)
              : t.noFile;
        if (upload.kind !== 'none')
          await staffAudit(db, req, 'exchange.upload.refused', '', { reason: upload.kind });
        return page(req, reply, { reports: [], error }, upload.kind === 'too-large' ? 413 : 400);
      }
      try {
        const [report] = await importPath(db, upload.path, { locale: req.locale });
        if (!report) return page(req, reply, { reports: [], error: t.noFile }, 400);
        await staffAudit(db, req, 'exchange.upload', upload.name, {
          status: report.status,
          rows: report.rowsRead,
          rejected: report.rejected,
        });
        return page(req, reply, { reports: [report] }, report.status === 'succeeded' ? 200 : 422);
      } finally {
        await upload.dispose();
      }
    },
  );

  // A run imports every waiting file and writes the readings out: a few an hour per user and address.
  const runLimit = actionLimit(db, 'exchange.run', { perUser: 6, perClient: 20, timeWindowMs: 3600_000 });

  app.post('/backoffice/exchange/run', async (req, reply) => {
    const wait = await runLimit(req);
    if (wait) {
      await staffAudit(db, req, 'exchange.run.limited', config.EXCHANGE_DIR, { wait });
      reply.header('retry-after', wait);
      return page(req, reply, { reports: [], error: waitMessage(req.locale, wait) }, 429);
    }
    let result: ExchangeRunResult;
    try {
      result = await singleFlight(db, RUNS.exchange, () => runExchange(db, config.EXCHANGE_DIR));
    } catch (error) {
      if (!(error instanceof AlreadyRunning)) throw error;
      const t = text[req.locale];
      const busy = error.since ? t.alreadyRunning(formatDateTime(error.since)) : t.alreadyRunningNow;
      await staffAudit(db, req, 'exchange.run.busy', config.EXCHANGE_DIR, {
        since: error.since?.toISOString() ?? null,
      });
      return page(req, reply, { reports: [], error: busy }, 409);
    }
    await staffAudit(db, req, 'exchange.run', config.EXCHANGE_DIR, {
      imports: result.imports.length,
      exported: result.export.rows,
    });
    return page(req, reply, { reports: result.imports, exported: result.export.rows });
  });
}
