/**
 * Money documents: invoice pages per second and invoice PDFs per second, on one core.
 *
 * - invoice page: GET /cabinet/invoice for a signed-in customer, through the whole app (session,
 *   ledger queries, rendering) with the full demo city (BENCH_ACCOUNTS accounts, 36 months) on the
 *   PostgreSQL server (a scratch database, dropped after). Baseline: a bare Fastify app answering
 *   a static page of the same size. Both through app.inject, one request at a time, so the figures
 *   are the work of this process only.
 * - invoice PDF: renderInvoicePdf of invoices like invoice A, a rotating set of VARIANTS with
 *   their own account numbers, owners, addresses, meters and figures, two in three in Kazakh and one
 *   in Russian (as a mailing renders them: the renderer keeps caches across documents, and the same
 *   document over and over would flatter them). Fonts are parsed once per process. Baseline: raw
 *   pdfkit writing the same strings of the same invoice in the same embedded font, one text call
 *   each, a fresh document each time. The two take turns in batches of ten, so that both see the
 *   same load on a shared machine.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import pg from 'pg';
import { buildApp } from '../src/app';
import { SESSION_COOKIE } from '../src/auth/login.routes';
import { createSession } from '../src/auth/sessions';
import { assembleInvoice, type InvoiceInput } from '../src/billing/invoice';
import { loadConfig, paymentSettings } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { loadDemoDataIfEmpty } from '../src/demo/demo-data';
import { type DocumentAccount, type InvoiceDocument, invoiceDocument } from '../src/documents/document-model';
import { renderInvoicePdf } from '../src/documents/pdf';
import type { Locale } from '../src/i18n/locales';
import { invoiceA } from '../test/fixtures/seed-vectors';
import type { BenchRow } from './run';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const NOW = new Date('2026-11-25T06:00:00Z');
const VARIANTS = 200;

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Runs `task` one at a time for `seconds` (after a short warm-up); latencies in ms. */
async function measure(
  bench: string,
  name: string,
  seconds: number,
  task: (i: number) => Promise<boolean>,
  note?: string,
): Promise<BenchRow> {
  for (let i = 0; i < 30; i++) await task(i);
  const times: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let i = 0;
  while (performance.now() < end) {
    const t0 = performance.now();
    if (!(await task(i++))) errors++;
    times.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - start) / 1000;
  return {
    bench,
    case: name,
    requests: times.length,
    errors,
    seconds: elapsed,
    perSecond: times.length / elapsed,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    ...(note ? { note } : {}),
  };
}

interface Case {
  name: string;
  task: (i: number) => Promise<boolean>;
  note?: string;
}

/**
 * Runs two cases for `seconds` each, taking turns in batches of ten, so that both see the same
 * load on a shared machine and their ratio holds even when the absolute figures move.
 */
async function measureInTurns(bench: string, seconds: number, cases: [Case, Case]): Promise<BenchRow[]> {
  for (const c of cases) for (let i = 0; i < 30; i++) await c.task(i);
  const runs = cases.map(() => ({ times: [] as number[], errors: 0, elapsed: 0, i: 0 }));
  const end = performance.now() + 2 * seconds * 1000;
  while (performance.now() < end) {
    for (const [k, c] of cases.entries()) {
      const run = runs[k];
      if (!run) continue;
      const start = performance.now();
      for (let n = 0; n < 10; n++) {
        const t0 = performance.now();
        if (!(await c.task(run.i++))) run.errors++;
        run.times.push(performance.now() - t0);
      }
      run.elapsed += (performance.now() - start) / 1000;
    }
  }
  return cases.map((c, k) => {
    const run = runs[k] ?? { times: [], errors: 0, elapsed: 1 };
    return {
      bench,
      case: c.name,
      requests: run.times.length,
      errors: run.errors,
      seconds: run.elapsed,
      perSecond: run.times.length / run.elapsed,
      p50Ms: percentile(run.times, 50),
      p99Ms: percentile(run.times, 99),
      ...(c.note ? { note: c.note } : {}),
    };
  });
}

async function pageRows(): Promise<BenchRow[]> {
  const name = `cabinet_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 5 });
  let app: FastifyInstance | null = null;
  try {
    await migrateToLatest(handle.db);
    process.stderr.write(`  loading the demo city (${ACCOUNTS} accounts, 36 months)...\n`);
    await loadDemoDataIfEmpty(handle.db, { now: NOW, accounts: ACCOUNTS, months: 36 });
    app = await buildApp({
      db: handle.db,
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      engine: handle.engine,
    });
    await app.ready();
    const user = await handle.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', '01003317')
      .executeTakeFirstOrThrow();
    const { secret } = await createSession(handle.db, { userId: user.id, persistent: false });
    const cookie = `${SESSION_COOKIE}=${secret}`;
    const periods = Array.from({ length: 36 }, (_, i) => {
      const d = new Date(Date.UTC(2026, 9 - i, 1));
      return d.toISOString().slice(0, 7);
    });
    const sample = await app.inject({ url: `/cabinet/invoice?period=${periods[0]}`, headers: { cookie } });
    if (!sample.body.includes('16')) throw new Error('the invoice page did not render');
    const html = sample.body;

    const bare = Fastify();
    bare.get('/page', async (_req, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').send(html),
    );
    await bare.ready();

    const inv = app;
    const rows = [
      await measure(
        'documents',
        'invoice page (GET /cabinet/invoice)',
        SECONDS,
        async (i) => {
          const res = await inv.inject({
            url: `/cabinet/invoice?period=${periods[i % 36]}`,
            headers: { cookie },
          });
          return res.statusCode === 200;
        },
        `goal p99 < 30 ms; ${ACCOUNTS} accounts x 36 months on PostgreSQL`,
      ),
      await measure('documents', 'baseline: bare Fastify page, same HTML', SECONDS, async () => {
        const res = await bare.inject({ url: '/page' });
        return res.statusCode === 200;
      }),
    ];
    await bare.close();
    return rows;
  } finally {
    await app?.close();
    await handle.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** Every string the invoice PDF writes, for the raw pdfkit baseline. */
function stringsOf(d: InvoiceDocument): string[] {
  return [
    d.title,
    d.tariffs.heading ?? '',
    ...d.tariffs.columns.map((c) => c.label),
    ...d.tariffs.rows.flatMap((r) => r.cells),
    ...d.facts.flat(),
    d.volumes.heading ?? '',
    ...d.volumes.columns.map((c) => c.label),
    ...d.volumes.rows.flatMap((r) => r.cells),
    d.bill.heading ?? '',
    ...d.bill.columns.map((c) => c.label),
    ...d.bill.rows.flatMap((r) => r.cells),
    d.footnote ?? '',
    d.toPay,
    d.reminder,
    d.contacts,
  ].filter((s) => s !== '');
}

const OWNERS = [
  'Ким Ольга Викторовна',
  'Сәрсенова Айгүл Маратқызы',
  'Омаров Ерлан Бауыржанұлы',
  'Иванов Пётр Сергеевич',
  'Жұмабаев Нұрлан Қайратұлы',
  'Смағұлова Әсел Ерболқызы',
  'Петренко Юлия Андреевна',
  'Төлеуов Мұрат Серікұлы',
];
const STREETS = [
  'Красина',
  'Қазақстан',
  'Абай даңғылы',
  'Шәкәрім даңғылы',
  'Тәуелсіздік даңғылы',
  'Протозанов',
];

/** Invoice A's layout with figures, meters and an account of its own for each `i`. */
function variant(i: number): { locale: Locale; doc: InvoiceDocument } {
  let seed = i + 1;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const day = (month: string) => `2020-${month}-${String(10 + next(18))}`;
  const [cold, hot] = [100_000 + next(900_000), 50_000 + next(400_000)];
  const [coldL, hotL] = [next(9_000), next(6_000)];
  const [coldMeter, hotMeter] = invoiceA.meters;
  if (!coldMeter || !hotMeter) throw new Error('invoice A has two meters');
  const input: InvoiceInput = {
    ...invoiceA,
    meters: [
      {
        ...coldMeter,
        serial: String(30_000_000 + next(9_000_000)),
        start: { valueL: cold, date: day('04') },
        end: { valueL: cold + coldL, date: day('05') },
      },
      {
        ...hotMeter,
        serial: String(30_000_000 + next(9_000_000)),
        start: { valueL: hot, date: day('04') },
        end: { valueL: hot + hotL, date: day('05') },
      },
    ],
    charges: invoiceA.charges.map((c) => ({
      ...c,
      quantityL: c.service === 'sewage' ? coldL + hotL : coldL,
    })),
    openingTiyn: next(2_000_000) - 500_000,
    penaltyTiyn: next(4) === 0 ? next(5_000) : 0,
    payments: next(3) === 0 ? [] : [{ amountTiyn: next(1_000_000), kind: 'regular', paidOn: day('05') }],
  };
  const account: DocumentAccount = {
    number: String(1_000_000 + next(8_999_999)).padStart(8, '0'),
    kind: 'individual',
    ownerName: OWNERS[next(OWNERS.length)] ?? '',
    residents: 1 + next(5),
    irrigationAreaM2: '0.00',
    contractNumber: null,
    street: STREETS[next(STREETS.length)] ?? '',
    house: String(1 + next(120)),
    prefix: '',
    apartment: String(1 + next(200)),
  };
  const locale: Locale = i % 3 === 2 ? 'ru' : 'kk';
  return {
    locale,
    doc: invoiceDocument(locale, account, assembleInvoice(input), { payee: paymentSettings({}) }),
  };
}

async function pdfRows(): Promise<BenchRow[]> {
  const invoices = Array.from({ length: VARIANTS }, (_, i) => variant(i));
  const require = createRequire(import.meta.url);
  const font = fontkit.create(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
  const strings = invoices.map((v) => stringsOf(v.doc));
  const raw = (i: number) =>
    new Promise<Buffer>((resolve) => {
      const pdf = new PDFDocument({ size: 'A4', font: null as unknown as string });
      pdf.font(font as unknown as string, 'R').fontSize(9);
      let y = 40;
      for (const s of strings[i % VARIANTS] ?? []) {
        pdf.text(s, 40, y, { lineBreak: false });
        y = y > 780 ? 40 : y + 6;
      }
      const chunks: Buffer[] = [];
      pdf.on('data', (c: Buffer) => chunks.push(c));
      pdf.on('end', () => resolve(Buffer.concat(chunks)));
      pdf.end();
    });
  const stringCount = Math.round(strings.reduce((a, s) => a + s.length, 0) / VARIANTS);
  return measureInTurns('documents', SECONDS, [
    {
      name: 'invoice PDF (A4, tables, QR, embedded font)',
      task: async (i) => {
        const { locale, doc } = invoices[i % VARIANTS] ?? variant(i);
        const bytes = await renderInvoicePdf(doc, { locale, now: NOW });
        return bytes.length > 1000;
      },
      note: `goal >= 150 per second per core; ${VARIANTS} different invoices in turn`,
    },
    {
      name: `baseline: raw pdfkit, the same ~${stringCount} strings each`,
      task: async (i) => {
        const bytes = await raw(i);
        return bytes.length > 1000;
      },
      note: 'measured in turns with the row above',
    },
  ]);
}

export default async function (): Promise<BenchRow[]> {
  const pdf = await pdfRows();
  const pages = await pageRows();
  return [...pages, ...pdf];
}
