import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { h as jsx } from 'preact';
import { render } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountView, findAccountByNumber } from '../src/accounts/accounts.queries';
import { LATE_READING } from '../src/billing/invoice';
import { closeMonth } from '../src/billing/month-closer.service';
import type { Period } from '../src/calendar/calendar';
import { paymentSettings } from '../src/config';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { invoiceDocument, statementDocument } from '../src/documents/document-model';
import { invoicePdf, statementPdf } from '../src/documents/documents.service';
import { InvoiceView } from '../src/documents/documents.views';
import { invoiceLoader, statementLoader } from '../src/documents/invoice.service';
import type { Locale } from '../src/i18n/locales';
import { formatMeterReading } from '../src/money/litres';
import { formatTiyn } from '../src/money/tiyn';
import { meterStates } from '../src/readings/readings.queries';
import { accountConsumption } from '../src/readings/readings.routes';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase, TEST_NOW } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 20, months: 4 }));
});
afterAll(async () => t?.close());

const dir = mkdtempSync(join(tmpdir(), 'money-documents-test-'));
/** The text layer of a PDF, whitespace folded, without the footer's rendering time. */
function pdfText(bytes: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    .replace(/\s+/g, ' ')
    .replace(/(Generated on|Документ сформирован|Құжат жасалған күні): [\d.]+ [\d:]+/, '$1: …');
}

async function customer(login: string, locale: Locale) {
  const b = new Browser(t.app);
  expect((await b.login(login, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${locale}?next=/`);
  return b;
}

/** The invoice of a month as the page shows it (page text) and as its PDF reads (PDF text). */
async function invoiceAsShown(b: Browser, period: string, name: string) {
  const page = await b.get(`/cabinet/invoice?period=${period}`);
  expect(page.statusCode).toBe(200);
  const pdf = await b.get(`/cabinet/invoice.pdf?period=${period}`);
  expect(pdf.statusCode).toBe(200);
  // The footer's "Generated on" time is the clock's, not the invoice's: left out of comparisons.
  const pdfBody = pdfText(pdf.rawPayload, name).replace(/on: \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/, 'on: (time)');
  return { page: textOf(page.body), pdf: pdfBody };
}

/** A month's invoice drawn from the model, as the page draws it, for months the route calls future. */
async function invoiceText(account: AccountView, period: Period, locale: Locale) {
  const invoice = await invoiceLoader(t.handle.db, account, period);
  expect(invoice).not.toBeNull();
  const doc = invoiceDocument(locale, account, invoice!, { payee: paymentSettings({}) });
  const pdf = await invoicePdf(t.handle.db, account, period, locale, { payee: paymentSettings({}) });
  return {
    invoice: invoice!,
    doc,
    page: textOf(render(jsx(InvoiceView, { doc }))),
    pdf: pdfText(pdf!.bytes, `${account.number}-${period}-${locale}`),
  };
}

describe(`the reading that counts (${engine})`, () => {
  it("a reading that arrives after its month closed leaves that month's invoice as it was closed and is recalculated next month, with its reason", async () => {
    const db = t.handle.db;
    const account = (await findAccountByNumber(db, '02015213'))!;
    const b = await customer('02015213', 'en');
    // October 2026 is closed (the demo closes every month before the current one).
    const closedOct = await invoiceAsShown(b, '2026-10', 'oct-before');
    const octModel = await invoiceLoader(db, account, '2026-10');
    const cold = (await meterStates(db, account.id, '2026-11-01')).find((m) => m.water === 'cold')!;
    const octL = cold.prevValueL!;
    expect(closedOct.page).toContain(formatMeterReading(octL));

    // A reading of October arrives after October closed (a correction: 300 L more), and one of November,
    // both before November's run (when they were sent is set: the run counts what it has by then).
    await db
      .insertInto('readings')
      .values([
        {
          meter_id: cold.id,
          period: '2026-10-01',
          value_l: octL + 300,
          read_on: '2026-10-31',
          source: 'inspector',
          submitted_at: new Date('2026-11-20T05:00:00Z'),
        },
        {
          meter_id: cold.id,
          period: '2026-11-01',
          value_l: octL + 2300,
          read_on: '2026-11-24',
          source: 'cabinet',
          submitted_at: new Date('2026-11-24T05:00:00Z'),
        },
      ])
      .execute();

    // October's invoice still shows what October was billed with: same volumes, same amounts.
    expect(await invoiceAsShown(b, '2026-10', 'oct-after-reading')).toEqual(closedOct);
    expect(await invoiceLoader(db, account, '2026-10')).toEqual(octModel);

    // November's run books the late reading as a recalculation of October.
    await closeMonth(db, '2026-11', { now: new Date('2026-12-02T00:00:00Z') });
    expect(await invoiceAsShown(b, '2026-10', 'oct-after-close')).toEqual(closedOct);

    const nov = await invoiceText(account, '2026-11', 'en');
    const recalcs = nov.invoice.recalculations;
    expect(recalcs.map((r) => [r.forPeriod, r.service, r.reason])).toEqual([
      ['2026-10', 'cold_water', LATE_READING],
      ['2026-10', 'sewage', LATE_READING],
    ]);
    expect(recalcs.every((r) => r.amountTiyn > 0)).toBe(true);
    expect(nov.invoice.recalculationTiyn).toBe(recalcs[0]!.amountTiyn + recalcs[1]!.amountTiyn);
    const coldLine = `Cold water, 10.2026 — recalculation: reading of 10.2026 received after closing ${formatTiyn(recalcs[0]!.amountTiyn)}`;
    const sewageLine = `Sewage, 10.2026 — recalculation: reading of 10.2026 received after closing ${formatTiyn(recalcs[1]!.amountTiyn)}`;
    for (const text of [nov.page, nov.pdf]) {
      expect(text).toContain(coldLine);
      expect(text).toContain(sewageLine);
      expect(text).toContain(`Recalculation ${formatTiyn(nov.invoice.recalculationTiyn)}`);
      // November's volume starts from the late reading: 2 m³, as billed.
      expect(text).toContain(
        `${formatMeterReading(octL + 300)} 24.11.2026 ${formatMeterReading(octL + 2300)} 2.000`,
      );
    }
    // The statement lists it in November with its reason.
    const statement = (await statementLoader(db, account.id, '2026-10', '2026-11'))!;
    expect(statement.rows.at(-1)?.recalculationTiyn).toBe(nov.invoice.recalculationTiyn);
    const note = `November 2026: ${coldLine.replace(/ (\S+)$/, ': $1')}`;
    expect(statementDocument('en', account, statement).recalculationNotes[0]).toBe(note);
    const statementPdfText = pdfText(
      (await statementPdf(db, account, '2026-10', '2026-11', 'en'))!.bytes,
      'st',
    );
    expect(statementPdfText).toContain(note);

    const ru = await invoiceText(account, '2026-11', 'ru');
    const kk = await invoiceText(account, '2026-11', 'kk');
    for (const text of [ru.page, ru.pdf])
      expect(text).toContain(
        'Холодная вода, 10.2026 — перерасчёт: показание за 10.2026 получено после закрытия месяца',
      );
    for (const text of [kk.page, kk.pdf])
      expect(text).toContain(
        'Суық су, 10.2026 — қайта есептеу: 10.2026 көрсеткіші ай жабылғаннан кейін алынды',
      );
  });
});

describe(`the readings page counts as the bill does (${engine})`, () => {
  it('a flagged reading awaiting review is not the previous reading, nor in the consumption chart', async () => {
    const db = t.handle.db;
    const account = (await findAccountByNumber(db, '01003317'))!;
    const before = await meterStates(db, account.id, '2026-11-01');
    const chartBefore = (await accountConsumption(db, account.id, TEST_NOW, 12)).months;
    const hot = before.find((m) => m.water === 'hot')!;
    // A large October reading still flagged for review when October closed: the bill ignored it.
    await db
      .insertInto('readings')
      .values({
        meter_id: hot.id,
        period: '2026-10-01',
        value_l: hot.prevValueL! + 90_000,
        read_on: '2026-10-30',
        source: 'cabinet',
        status: 'flagged',
      })
      .execute();
    const after = await meterStates(db, account.id, '2026-11-01');
    expect(after.find((m) => m.id === hot.id)).toEqual(hot);
    expect((await accountConsumption(db, account.id, TEST_NOW, 12)).months).toEqual(chartBefore);
  });
});

describe(`norm billing explained (${engine})`, () => {
  // Statement C's account: 3 residents, cold meter 30550127 due for verification on 30.06.2026.
  it('an invoice billed by norm says what was billed and why, and its volumes agree with the bill', async () => {
    const b = await customer('03017845', 'en');
    const oct = await invoiceAsShown(b, '2026-10', 'norm-en');
    const account = (await findAccountByNumber(t.handle.db, '03017845'))!;
    const invoice = (await invoiceLoader(t.handle.db, account, '2026-10'))!;
    const coldNorm = invoice.lines.find((l) => l.service === 'cold_water')!;
    expect([coldNorm.basis, coldNorm.quantityL]).toEqual(['norm', 10_500]);
    const sewage = invoice.lines.filter((l) => l.service === 'sewage').reduce((a, l) => a + l.quantityL, 0);
    expect(invoice.volumes).toEqual({
      coldL: 10_500,
      hotL: sewage - 10_500,
      sewageL: sewage,
    });
    for (const text of [oct.page, oct.pdf]) {
      expect(text).toContain(
        "Cold water billed by norm: 3 residents × 3.5 m³ = 10.5 m³ — meter 30550127's verification was due 30.06.2026",
      );
      // The expired meter's readings are shown, its volume is not counted; the totals are what was billed.
      expect(text).toMatch(/30550127 [\d.]+ \d{5}\.\d{3} [\d.]+ \d{5}\.\d{3} not billed/);
      expect(text).toContain('Cold water by norm: 3 residents × 3.5 m³ 10.500');
      expect(text).toContain('Cold water in total 10.500');
      expect(text).toContain(`Sewage volume (cold + hot) ${(sewage / 1000).toFixed(3)}`);
      expect(text).toContain('Cold water (by norm) 10.500');
    }
    const ru = await invoiceAsShown(await customer('03017845', 'ru'), '2026-10', 'norm-ru');
    const kk = await invoiceAsShown(await customer('03017845', 'kk'), '2026-10', 'norm-kk');
    for (const text of [ru.page, ru.pdf])
      expect(text).toContain(
        'Холодная вода начислена по нормативу: 3 прож. × 3.5 м³ = 10.5 м³ — срок поверки прибора учёта 30550127 истёк 30.06.2026',
      );
    for (const text of [kk.page, kk.pdf])
      expect(text).toContain(
        'Суық су норма бойынша есептелді: 3 тұрғын × 3.5 м³ = 10.5 м³ — 30550127 есептегішінің тексеру мерзімі 30.06.2026 болды',
      );
  });
});

describe(`dates on documents (${engine})`, () => {
  it('the invoice and the statement say "data as of" and when the period closed', async () => {
    const db = t.handle.db;
    await db
      .insertInto('app_state')
      .values({ key: 'billing_data_as_of', value: JSON.stringify('2026-11-23T22:00:00Z') })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify('2026-11-23T22:00:00Z') }))
      .execute();
    const b = await customer('03017845', 'en');
    const inv = await invoiceAsShown(b, '2026-10', 'dates-invoice');
    // The demo closes each month on the 3rd of the next at 03:00 Almaty time.
    for (const text of [inv.page, inv.pdf]) {
      expect(text).toContain('Data as of 24.11.2026 03:00 (last exchange with the billing system)');
      expect(text).toContain('Period closed on 03.11.2026');
    }
    const breakdown = textOf((await b.get('/cabinet/breakdown?period=2026-10')).body);
    expect(breakdown).toContain('Data as of 24.11.2026 03:00');
    const page = textOf((await b.get('/cabinet/settlement?from_period=2026-01&to_period=2026-10')).body);
    expect(page).toContain('Data as of 24.11.2026 03:00 (last exchange with the billing system)');
    expect(page).toContain('Period closed on 03.11.2026');
    const pdf = await b.get('/cabinet/settlement.pdf?from_period=2026-01&to_period=2026-10');
    const statement = pdfText(pdf.rawPayload, 'dates-statement');
    expect(statement).toContain('Data as of 24.11.2026 03:00');
    expect(statement).toContain('Period closed on 03.11.2026');

    // A month not closed yet says so.
    const account = (await findAccountByNumber(db, '03017845'))!;
    const statementFacts = (await statementLoader(db, account.id, '2026-10', '2026-10'))!;
    const dataAsOf = new Date('2026-11-23T22:00:00Z');
    expect(
      statementDocument('ru', account, { ...statementFacts, dates: { dataAsOf, closedAt: null } }).dates,
    ).toEqual([
      'Данные на 24.11.2026 03:00 (последний обмен с биллинговой системой)',
      'Период ещё не закрыт: суммы могут измениться',
    ]);
    expect(
      statementDocument('kk', account, { ...statementFacts, dates: { dataAsOf: null, closedAt: null } })
        .dates,
    ).toEqual([
      'Деректер: биллинг жүйесімен алмасу әлі болған жоқ',
      'Кезең әлі жабылмаған: сомалар өзгеруі мүмкін',
    ]);
  });
});
