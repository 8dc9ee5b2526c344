import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLookupToken } from '../src/accounts/lookup-token';
import { buildApp } from '../src/app';
import { ConfigError, loadConfig, paymentSettings } from '../src/config';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { paymentQrPayload, paymentRows } from '../src/documents/document-model';
import { defaultPeriod } from '../src/documents/invoice.service';
import { formatDate } from '../src/i18n/locales';
import { deliverDueMail, mailDeliveryTask } from '../src/mail/delivery';
import { formatTiyn, formatTiynFixed, parseTiyn } from '../src/money/tiyn';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { parseCsv } from './helpers/csv';
import { demoDatabase } from './helpers/db';
import { startSmtpInbox, TEST_PAYEE } from './helpers/smtp';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SECRET = 'test-secret-for-documents-0123456789';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase(), { SESSION_SECRET: SECRET });
});
afterAll(async () => t?.close());

const dir = mkdtempSync(join(tmpdir(), 'documents-test-'));
/** The text layer of a PDF as pdftotext reads it, whitespace folded. */
function pdfText(bytes: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

async function customer(login: string, locale: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  const res = await b.login(login, DEMO_PASSWORD);
  expect(res.statusCode).toBe(303);
  await b.get(`/lang/${locale}?next=/`);
  return b;
}

const INVOICE_A = ['66.46', '65.91', '214.14', '302.54', '516.67', '-17.71', '7212 / 6712*', '-6713.04'];
const INVOICE_B = ['69.32', '111.52', '180.84', '-460.22'];

describe(`invoice and breakdown pages (${engine})`, () => {
  it("invoice A shows the seed's figures in order, on the page and in the PDF", async () => {
    const b = await customer('01003317');
    const page = await b.get('/cabinet/invoice?month=5&year=2020');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const figure of INVOICE_A) expect(text).toContain(figure);
    // The blocks in the seed's order: tariffs, account, volumes, bill, the "to pay" line.
    const order = [
      'Tariffs per 1 m³',
      'Payment invoice for May 2020',
      '01003317',
      'Calculation of cold-water and sewage volume',
      '24.04.2020 00473.051 22.05.2020 00476.273 3.222',
      '4.590',
      'Bill to pay',
      'Balance on 01.05.2020 -17.71',
      'Cold water 3.222 59.34 12 66.46 214.14',
      'Sewage 4.590 58.85 12 65.91 302.54',
      'Charged for the month 516.67',
      'Paid (total / compensation*) 7212 / 6712*',
      'Balance on 01.06.2020 -6713.04',
      'Payment for May 2020 in total = -6713.04',
      'Shakarim',
    ];
    let at = 0;
    for (const piece of order) {
      const found = text.indexOf(piece, at);
      expect(found, piece).toBeGreaterThanOrEqual(0);
      at = found;
    }

    const pdf = await b.get('/cabinet/invoice.pdf?period=2020-05&download=1');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(
      'attachment; filename="invoice-01003317-2020-05.pdf"',
    );
    const pdfTextA = pdfText(pdf.rawPayload, 'invoice-a');
    for (const figure of INVOICE_A) expect(pdfTextA).toContain(figure);
    expect(pdfTextA).toContain('Payment invoice for May 2020');
  });

  it('invoice B on the breakdown page and in a Kazakh PDF with Kazakh letters', async () => {
    const b = await customer('02015213', 'kk');
    const page = await b.get('/cabinet/breakdown?period=2020-05');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const figure of INVOICE_B) expect(text).toContain(figure);
    expect(text).toContain('0 / 1500*');
    const pdf = await b.get('/cabinet/invoice.pdf?period=2020-05');
    expect(pdf.headers['content-disposition']).toContain('inline');
    const kk = pdfText(pdf.rawPayload, 'invoice-b-kk');
    for (const figure of INVOICE_B) expect(kk).toContain(figure);
    expect(kk).toContain('2020 ж. мамыр айына төлем шот-хабарлама');
    expect(kk).toContain('Суық су және кәріз көлемінің есебі');
    expect(kk).toContain('Төлемақы өсімі');
    // ә ғ қ ң ө ұ ү һ і all come through the embedded font's text layer.
    for (const letter of ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і']) expect(kk).toContain(letter);
  });

  it('Russian PDF after a Kazakh one keeps every Cyrillic letter in the text layer', async () => {
    const b = await customer('02015213', 'ru');
    const pdf = await b.get('/cabinet/invoice.pdf?period=2020-05');
    const ru = pdfText(pdf.rawPayload, 'invoice-b-ru');
    expect(ru).toContain('Абонентский отдел: проспект Шакарима, 180');
    expect(ru).toContain('Счёт-извещение за май 2020 г.');
    expect(ru).toContain('Сальдо на 01.06.2020 -460.22');
  });

  it('explains the compensation asterisk only on an invoice that has a compensation, page and PDF', async () => {
    const note = 'compensation of costs for the state-of-emergency period';
    const b = await customer('01003317');
    const db = t.handle.db;
    const account = await db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', '01003317')
      .executeTakeFirstOrThrow();
    // October 2026 without a compensation (the billing system's figure for the month is zero).
    await db
      .updateTable('account_months')
      .set({ compensation_tiyn: 0 })
      .where('account_id', '=', account.id)
      .where('period', '=', '2026-10-01')
      .execute();
    const without = textOf((await b.get('/cabinet/invoice?period=2026-10')).body);
    expect(without).toContain('Payment invoice for October 2026');
    expect(without).toMatch(/Paid [\d.-]+ Balance on 01\.11\.2026/);
    expect(without).not.toContain(note);
    expect(without).not.toContain('compensation*');
    const pdfWithout = pdfText((await b.get('/cabinet/invoice.pdf?period=2026-10')).rawPayload, 'no-comp');
    expect(pdfWithout).not.toContain(note);
    expect(pdfWithout).not.toContain('compensation*');

    const withIt = textOf((await b.get('/cabinet/invoice?period=2020-05')).body);
    expect(withIt).toContain(`* ${note}`);
    const pdfWith = pdfText((await b.get('/cabinet/invoice.pdf?period=2020-05')).rawPayload, 'comp');
    expect(pdfWith).toContain(`* ${note}`);
  });

  it('opens on the previous month and uses 16% VAT in 2026, 12% in 2020', async () => {
    const b = await customer('01003317');
    // The previous month of the real clock is selected (the demo's last billed month is October 2026).
    const opened = (await b.get('/cabinet/invoice')).body;
    const previous = defaultPeriod();
    expect(opened).toContain(`<option value="${previous.slice(0, 4)}" selected`);
    expect(opened).toContain(`<option value="${Number(previous.slice(5))}" selected`);
    const page = textOf((await b.get('/cabinet/invoice?period=2026-10')).body);
    expect(page).toContain('Payment invoice for October 2026');
    expect(page).toMatch(/Cold water [\d.]+ [\d.]+ 16 /);
    const old = textOf((await b.get('/cabinet/invoice?period=2020-05')).body);
    expect(old).toMatch(/Cold water [\d.]+ [\d.]+ 12 /);
  });

  it('keeps a bad period and says what is wrong next to the selector', async () => {
    const b = await customer('01003317');
    const bad = await b.get('/cabinet/invoice?month=13&year=20x0');
    expect(bad.statusCode).toBe(200);
    expect(textOf(bad.body)).toContain('Choose a month and a year from the list.');
    expect(bad.body).toContain('<option value="20x0" selected');
    const future = await b.get('/cabinet/invoice?month=1&year=2031');
    expect(textOf(future.body)).toContain('This month has not ended yet.');
    const empty = await b.get('/cabinet/invoice?month=1&year=2001');
    expect(textOf(empty.body)).toContain('There are no charges for this month.');
  });

  it("another customer's documents are not found", async () => {
    const b = await customer('01003317');
    for (const url of [
      '/cabinet/invoice?period=2020-05&account=02015213',
      '/cabinet/invoice.pdf?period=2020-05&account=02015213',
      '/cabinet/settlement?account=03017845',
      '/cabinet/settlement.pdf?from_period=2019-10&to_period=2019-11&account=03017845',
      '/cabinet/settlement.csv?from_period=2019-10&to_period=2019-11&account=03017845',
    ]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('460.22');
    }
    const anonymous = new Browser(t.app);
    expect((await anonymous.get('/cabinet/invoice.pdf?period=2020-05')).statusCode).toBe(303);
  });
});

describe(`settlement status (${engine})`, () => {
  it("statement C: the seed's rows and totals on the page and in the PDF", async () => {
    const b = await customer('03017845');
    const page = await b.get('/cabinet/settlement?from_month=10&from_year=2019&to_month=11&to_year=2019');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Balance on 01.10.2019 1749.50');
    // year, month, charged, recalculation, penalty, other charges, payment date, paid, balance
    expect(text).toContain('Year Month Charged Recalculation Penalty Other charges');
    expect(text).toMatch(/2019 October 1439.04 0 0 0 17.10.2019 3200 -11.46/);
    expect(text).toMatch(/2019 November 297.89 0 0 0 15.11.2019 500 -213.57/);
    expect(text).toContain('Totals 1736.93 0 0 0 3700 -213.57');
    const pdf = await b.get('/cabinet/settlement.pdf?from_period=2019-10&to_period=2019-11');
    expect(pdf.statusCode).toBe(200);
    const p = pdfText(pdf.rawPayload, 'statement-c');
    for (const figure of ['1749.50', '-11.46', '-213.57', '1736.93', '3700', '17.10.2019']) {
      expect(p).toContain(figure);
    }
  });

  it("statement C downloads as CSV: BOM, semicolons, the page's figures with a decimal comma", async () => {
    const b = await customer('03017845', 'ru');
    const page = await b.get('/cabinet/settlement?from_month=10&from_year=2019&to_month=11&to_year=2019');
    expect(page.body).toContain(
      'href="/cabinet/settlement.csv?from_period=2019-10&amp;to_period=2019-11&amp;account=03017845"',
    );
    const res = await b.get('/cabinet/settlement.csv?from_period=2019-10&to_period=2019-11&account=03017845');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="statement-03017845-2019-10-2019-11.csv"',
    );
    expect(res.headers['cache-control']).toContain('no-store');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(res.rawPayload.toString('utf8'));
    expect(rows[0]).toEqual([
      'Год',
      'Месяц',
      'Начислено',
      'Перерасчёт',
      'Пеня',
      'Прочие начисления',
      'Дата оплаты',
      'Оплачено',
      'Долг (+) / Переплата (-)',
    ]);
    expect(rows.slice(1)).toEqual([
      ['Сальдо на 01.10.2019', '', '', '', '', '', '', '', '1749,50'],
      ['2019', 'октябрь', '1439,04', '0', '0', '0', '17.10.2019', '3200', '-11,46'],
      ['2019', 'ноябрь', '297,89', '0', '0', '0', '15.11.2019', '500', '-213,57'],
      ['Итого', '', '1736,93', '0', '0', '0', '', '3700', '-213,57'],
    ]);
    // The same figures as the page shows, the decimal point turned into a comma.
    const text = textOf(page.body);
    for (const figure of ['1749.50', '1439.04', '-11.46', '297.89', '-213.57', '1736.93'])
      expect(text).toContain(figure);
    const bad = await b.get('/cabinet/settlement.csv?from_period=2019-13&to_period=2019-11');
    expect(bad.statusCode).toBe(404);
  });

  it('shows the penalty and its basis by the day on the invoice, the statement and both PDFs, under one name', async () => {
    const found = await sql<{ account_id: number; period: string; penalty_tiyn: number }>`
      select m.account_id, to_char(m.period, 'YYYY-MM') as period, m.penalty_tiyn from account_months m
      join accounts a on a.id = m.account_id
      where a.number = '03017845' and m.penalty_tiyn > 0 and exists (
        select 1 from penalty_days d where d.account_id = m.account_id and d.period = m.period)
      order by m.period desc limit 1`.execute(t.handle.db);
    const month = found.rows[0]!;
    const basis = await t.handle.db
      .selectFrom('penalty_days')
      .selectAll()
      .where('account_id', '=', month.account_id)
      .where('period', '=', `${month.period}-01`)
      .orderBy('from_on')
      .execute();
    expect(basis.length).toBeGreaterThan(0);
    const lines = basis.map(
      (d) =>
        `${d.days} ${d.days === 1 ? 'day' : 'days'} (${d.days === 1 ? formatDate(d.from_on) : `${formatDate(d.from_on)}–${formatDate(d.to_on)}`}), overdue debt ${formatTiyn(d.overdue_tiyn)}: ${d.refinancing_rate_bp / 100}% × K ${Number(d.coefficient)} / 365`,
    );
    const b = await customer('03017845');
    const page = textOf((await b.get(`/cabinet/invoice?period=${month.period}`)).body);
    expect(page).toContain(`Penalty ${formatTiyn(month.penalty_tiyn)}`);
    for (const line of lines) expect(page).toContain(line);
    expect(page).toContain('Penalty: for every day after the due date');
    // The basis adds up: the days' exact amounts, rounded once, are the month's penalty.
    const exact = basis.reduce(
      (a, d) =>
        a + d.overdue_tiyn * (d.refinancing_rate_bp / 10_000) * Number(d.coefficient) * (d.days / 365),
      0,
    );
    expect(Math.round(exact)).toBe(month.penalty_tiyn);
    const pdf = pdfText(
      (await b.get(`/cabinet/invoice.pdf?period=${month.period}`)).rawPayload,
      'penalty-invoice',
    );
    expect(pdf).toContain(`Penalty ${formatTiyn(month.penalty_tiyn)}`);
    for (const line of lines) expect(pdf).toContain(line);

    const [y, m] = month.period.split('-').map(Number) as [number, number];
    const statement = textOf(
      (await b.get(`/cabinet/settlement?from_month=${m}&from_year=${y}&to_month=${m}&to_year=${y}`)).body,
    );
    expect(statement).toContain('Year Month Charged Recalculation Penalty Other charges');
    expect(statement).toMatch(new RegExp(`${y} \\w+ [\\d.-]+ [\\d.-]+ ${formatTiyn(month.penalty_tiyn)} 0 `));
    const statementPdf = pdfText(
      (await b.get(`/cabinet/settlement.pdf?from_period=${month.period}&to_period=${month.period}`))
        .rawPayload,
      'penalty-statement',
    );
    expect(statementPdf).toContain('Penalty');
    expect(statementPdf).toContain(formatTiyn(month.penalty_tiyn));
  });

  it('refuses a range longer than 3 years with a message next to the field, keeping the choice', async () => {
    const b = await customer('03017845', 'ru');
    const res = await b.get('/cabinet/settlement?from_month=1&from_year=2019&to_month=2&to_year=2022');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Период не может быть длиннее 3 лет.');
    expect(res.body).toMatch(/name="from_year"[\s\S]*?<option value="2019" selected/);
    expect(text).not.toContain('Итого');
    const ok = await b.get('/cabinet/settlement?from_month=3&from_year=2019&to_month=2&to_year=2022');
    expect(textOf(ok.body)).toContain('Итого');
    const reversed = await b.get('/cabinet/settlement?from_month=5&from_year=2020&to_month=2&to_year=2020');
    expect(textOf(reversed.body)).toContain('Конец периода должен быть не раньше начала.');
  });
});

describe(`email and subscription (${engine})`, () => {
  it('sends the invoice PDF to the user through the outbox', async () => {
    const b = await customer('01003317');
    await b.get('/cabinet/invoice?period=2020-05');
    const res = await b.post('/cabinet/invoice/email', {
      period: '2020-05',
      account: '01003317',
      back: '/cabinet/invoice?period=2020-05',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cabinet/invoice?period=2020-05&done=sent');
    const mail = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('purpose', '=', 'documents.invoice')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Payment invoice for May 2020');
    // The outbox names the invoice; the deliverer renders it when it sends the message.
    expect(mail.attachments).toEqual([]);
    const inbox = await startSmtpInbox();
    try {
      await deliverDueMail(t.handle.db, nodemailer.createTransport(inbox.url), TEST_PAYEE, 50);
      const received = await inbox.waitFor(mail.to_address, 'Payment invoice for May 2020');
      expect(received.attachments.map((a) => a.filename)).toEqual(['invoice-01003317-2020-05.pdf']);
      const text = pdfText(received.attachments[0]?.content ?? Buffer.alloc(0), 'mailed');
      expect(text).toContain('-6713.04');
    } finally {
      await inbox.close();
    }
    const after = await b.get(res.headers.location as string);
    expect(textOf(after.body)).toContain('The report was sent to');
  });

  it('turns the monthly mailing off and on', async () => {
    const b = await customer('02015213');
    const page = await b.get('/cabinet/invoice?period=2020-05');
    expect(textOf(page.body)).toContain('Stop mailing');
    await b.post('/cabinet/invoice/subscription', {
      subscribe: '0',
      back: '/cabinet/invoice?period=2020-05',
    });
    const user = () =>
      t.handle.db
        .selectFrom('users')
        .select('subscribe_invoices')
        .where('login', '=', '02015213')
        .executeTakeFirstOrThrow();
    expect((await user()).subscribe_invoices).toBe(false);
    const off = await b.get('/cabinet/invoice?period=2020-05&done=unsubscribed');
    expect(textOf(off.body)).toContain('Subscribe to mailing');
    await b.post('/cabinet/invoice/subscription', { subscribe: '1', back: '/cabinet/invoice' });
    expect((await user()).subscribe_invoices).toBe(true);
  });
});

describe(`anonymous breakdown (${engine})`, () => {
  it('shows the masked breakdown for a signed token, and nothing for a forged or old one', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/en?next=/');
    const path = `/breakdown/anonymous?token=${signLookupToken(SECRET, '01003317')}`;
    const res = await b.get(`${path}&period=2020-05`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const figure of INVOICE_A) expect(text).toContain(figure);
    expect(text).toContain('Красина, 3-…');
    expect(text).not.toContain('Красина, 3-45');
    const owner = await t.handle.db
      .selectFrom('accounts')
      .select('owner_name')
      .where('number', '=', '01003317')
      .executeTakeFirstOrThrow();
    expect(text).not.toContain(owner.owner_name);

    const forged = path.replace('token=01003317', 'token=02015213');
    expect((await b.get(forged)).statusCode).toBe(410);
    const old = signLookupToken(SECRET, '01003317', Date.now() - 2 * 86_400_000);
    expect((await b.get(`/breakdown/anonymous?token=${old}`)).statusCode).toBe(410);
    expect((await b.get('/breakdown/anonymous?token=01003317')).statusCode).toBe(410);

    const pdf = await b.get(
      `${path.replace('/breakdown/anonymous?', '/breakdown/anonymous.pdf?')}&period=2020-05`,
    );
    expect(pdf.statusCode).toBe(200);
    const p = pdfText(pdf.rawPayload, 'anonymous');
    expect(p).toContain('-6713.04');
    expect(p).not.toContain('Красина, 3-45');
  });
});

describe(`payment details (${engine})`, () => {
  it("the invoice page and PDF show the utility's details, the purpose and the amount due", async () => {
    const found = await sql<{ period: string; closing_tiyn: string }>`
      select to_char(m.period, 'YYYY-MM') as period, m.closing_tiyn from account_months m
      join accounts a on a.id = m.account_id
      where a.number = '03017845' and m.closing_tiyn > 0 order by m.period desc limit 1`.execute(t.handle.db);
    const month = found.rows[0]!;
    const b = await customer('03017845', 'ru');
    const page = textOf((await b.get(`/cabinet/invoice?period=${month.period}`)).body);
    const total = /всего = (-?[\d.]+)/.exec(page)?.[1] ?? '';
    const due = formatTiynFixed(Math.max(0, parseTiyn(total) ?? -1));
    expect(Number(due)).toBeGreaterThan(0);
    const mm = `${month.period.slice(5)}.${month.period.slice(0, 4)}`;
    const expected = [
      'Реквизиты для оплаты',
      'Получатель ГКП «Городской водоканал» (демо)',
      'БИН 000000000000',
      'ИИК (IBAN) KZ000000000000000000',
      'Банк АО «Демо Банк»',
      'БИК DEMOKZKA',
      'КБе 16',
      'КНП 859',
      `Назначение платежа Оплата за водоснабжение и водоотведение, лицевой счёт 03017845, период ${mm}`,
      `Сумма к оплате ${due} ₸`,
    ];
    for (const piece of expected) expect(page).toContain(piece);
    expect(page).toContain('Сам QR-код оплату не проводит.');

    const pdf = await b.get(`/cabinet/invoice.pdf?period=${month.period}`);
    expect(pdf.statusCode).toBe(200);
    const p = pdfText(pdf.rawPayload, 'payment-details');
    for (const piece of [
      'БИН',
      '000000000000',
      'KZ000000000000000000',
      'DEMOKZKA',
      '03017845',
      mm,
      `${due} ₸`,
    ])
      expect(p).toContain(piece);
    expect(p).toContain('Реквизиты для оплаты текстом');
    expect(p).not.toContain('платёжном приложении');
  });

  it('the details are those of the settings the portal was started with, on the page and in the PDF', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SESSION_SECRET: SECRET,
      PAYEE_NAME: 'ТОО «Су арнасы»',
      PAYEE_BIN: '123456789012',
      PAYEE_IBAN: 'KZ86125KZT5004100100',
    });
    const app = await buildApp({ db: t.handle.db, config, engine: t.handle.engine });
    try {
      const b = new Browser(app);
      expect((await b.login('03017845', DEMO_PASSWORD)).statusCode).toBe(303);
      await b.get('/lang/ru?next=/');
      const page = textOf((await b.get('/cabinet/invoice?month=5&year=2020')).body);
      for (const piece of [
        'Получатель ТОО «Су арнасы»',
        'БИН 123456789012',
        'ИИК (IBAN) KZ86125KZT5004100100',
      ])
        expect(page).toContain(piece);
      expect(page).not.toContain('000000000000');
      const pdf = await b.get('/cabinet/invoice.pdf?month=5&year=2020');
      expect(pdf.statusCode).toBe(200);
      const text = pdfText(pdf.rawPayload, 'payee-from-config');
      expect(text).toContain('123456789012');
      expect(text).toContain('KZ86125KZT5004100100');
      expect(text).not.toContain('000000000000');
    } finally {
      await app.close();
    }
  });

  it('a mailed invoice PDF has the payee of the settings, the same text as the downloaded one', async () => {
    const env = {
      PAYEE_NAME: 'ТОО «Су арнасы»',
      PAYEE_BIN: '123456789012',
      PAYEE_IBAN: 'KZ86125KZT5004100100',
    };
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: SECRET, ...env });
    const app = await buildApp({ db: t.handle.db, config, engine: t.handle.engine });
    const inbox = await startSmtpInbox();
    try {
      const b = new Browser(app);
      expect((await b.login('01003317', DEMO_PASSWORD)).statusCode).toBe(303);
      await b.get('/lang/ru?next=/');
      const downloaded = pdfText((await b.get('/cabinet/invoice.pdf?period=2020-05')).rawPayload, 'payee-dl');
      await b.get('/cabinet/invoice?period=2020-05');
      const sent = await b.post('/cabinet/invoice/email', {
        period: '2020-05',
        account: '01003317',
        back: '/cabinet/invoice?period=2020-05',
      });
      expect(sent.headers.location).toContain('done=sent');
      // Delivered as the worker delivers: by the task made from the same settings.
      await mailDeliveryTask(t.handle.db, { ...config, SMTP_URL: inbox.url })();
      const to = await t.handle.db
        .selectFrom('mail_outbox')
        .select('to_address')
        .where('purpose', '=', 'documents.invoice')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const received = await inbox.waitFor(to.to_address, /2020/);
      const mailed = pdfText(received.attachments[0]?.content ?? Buffer.alloc(0), 'payee-mailed');
      const payeeLines = (text: string) =>
        text.split('\n').filter((line) => Object.values(env).some((v) => line.includes(v)));
      for (const value of Object.values(env)) expect(payeeLines(downloaded).join('\n')).toContain(value);
      expect(payeeLines(mailed)).toEqual(payeeLines(downloaded));
      expect(mailed).not.toContain('000000000000');
    } finally {
      await inbox.close();
      await app.close();
    }
  });

  it("the QR code holds the details as labelled lines in the document's language, no ST00012", () => {
    const payee = paymentSettings({
      PAYEE_NAME: 'Water Utility LLP',
      PAYEE_BIN: '123456789012',
      PAYEE_IBAN: 'kz86 125K ZT50 0410 0100',
      PAYEE_BANK: 'Bank One',
      PAYEE_BIC: 'HSBKKZKX',
      PAYEE_KBE: '17',
      PAYEE_KNP: '856',
    });
    const en = paymentQrPayload(paymentRows('en', payee, '03017845', '2019-11', 21357));
    expect(en.split('\n')).toEqual([
      'Recipient: Water Utility LLP',
      'BIN: 123456789012',
      'IIK (IBAN): KZ86125KZT5004100100',
      'Bank: Bank One',
      'BIC: HSBKKZKX',
      'KBe: 17',
      'KNP: 856',
      'Purpose: Payment for water supply and sewage, account 03017845, period 11.2019',
      'Amount due: 213.57 ₸',
    ]);
    expect(en).not.toContain('ST00012');
    const ru = paymentQrPayload(paymentRows('ru', payee, '03017845', '2019-11', 0));
    expect(ru).toContain('Получатель: Water Utility LLP\nБИН: 123456789012\n');
    expect(ru).toContain('Сумма к оплате: 0.00 ₸');
    const kk = paymentQrPayload(paymentRows('kk', payee, '03017845', '2019-11', 0));
    expect(kk).toContain('Алушы: Water Utility LLP\nБСН: 123456789012\n');
  });

  it('a malformed payment setting stops the start with its name', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PAYEE_BIN: '12345' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', PAYEE_BIN: '12345' })).toThrow(/PAYEE_BIN/);
    expect(() => loadConfig({ NODE_ENV: 'test', PAYEE_IBAN: 'DE89370400440532013000' })).toThrow(
      /PAYEE_IBAN/,
    );
    expect(loadConfig({ NODE_ENV: 'test', PAYEE_KNP: '911' }).PAYEE_KNP).toBe('911');
  });
});
