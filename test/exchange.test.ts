import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/database';
import { billingDataAsOf } from '../src/exchange/data-as-of';
import { EXCHANGE_QUEUE, registerExchangeJob, runExchange } from '../src/exchange/exchange.job';
import { exportReadings } from '../src/exchange/export.service';
import { importFile, importPath } from '../src/exchange/import.service';
import { startJobQueue } from '../src/jobs/queue';
import { testDatabase } from './helpers/db';

const FIXTURES = join(import.meta.dirname, 'fixtures/exchange');
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

/** Everything the import writes, as plain values, to compare before and after. */
async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const table of [
    'streets',
    'buildings',
    'premises',
    'accounts',
    'meters',
    'tariffs',
    'vat_rates',
    'norms',
    'penalty_rates',
    'readings',
    'charges',
    'payments',
    'recalculations',
    'account_months',
  ]) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1, 2`.execute(
      h.db,
    );
    out[table] = rows.rows.map((r) => JSON.stringify(r));
  }
  return out;
}

const csv = (text: string) => new TextEncoder().encode(text);

describe(`billing-system import (${engine})`, () => {
  it('imports a small data set in dependency order', async () => {
    const reports = await importPath(h.db, FIXTURES, { locale: 'en' });
    expect(reports.map((r) => [r.kind, r.status, r.problems.map((p) => p.message)])).toEqual(
      reports.map((r) => [r.kind, 'succeeded', []]),
    );
    expect(reports.map((r) => r.kind)).toEqual([
      'streets',
      'buildings',
      'premises',
      'accounts',
      'meters',
      'tariffs',
      'vat_rates',
      'norms',
      'penalty_rates',
      'readings',
      'charges',
      'payments',
      'recalculations',
      'balances',
    ]);
    expect(reports.reduce((n, r) => n + r.inserted, 0)).toBe(40);
    const account = await h.db
      .selectFrom('accounts')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .select(['owner_name', 'opened_on', 'premises.code', 'kind', 'bin_iin', 'residents'])
      .where('number', '=', '77000002')
      .executeTakeFirstOrThrow();
    expect(account).toEqual({
      owner_name: 'Иванов, Иван',
      opened_on: '2016-03-01',
      code: 'PR2',
      kind: 'individual',
      bin_iin: null,
      residents: 2,
    });
    const tariff = await h.db
      .selectFrom('tariffs')
      .select('price_tiyn_per_m3')
      .where('service', '=', 'cold_water')
      .where('customer_kind', '=', 'legal')
      .executeTakeFirstOrThrow();
    expect(tariff.price_tiyn_per_m3).toBe(12010);
    const norms = await h.db.selectFrom('norms').select(['kind', 'litres']).orderBy('kind').execute();
    expect(norms.map((n) => n.litres)).toEqual([3500, 2100, 120]);
    const rates = await h.db
      .selectFrom('penalty_rates')
      .select('refinancing_rate_bp')
      .orderBy('effective_from')
      .execute();
    expect(rates.map((r) => r.refinancing_rate_bp)).toEqual([925, 1650]);
    const payments = await h.db
      .selectFrom('payments')
      .select(['code', 'amount_tiyn', 'kind'])
      .orderBy('code')
      .execute();
    expect(payments).toEqual([
      { code: 'PAY-1', amount_tiyn: 50000, kind: 'regular' },
      { code: 'PAY-2', amount_tiyn: 120050, kind: 'regular' },
      { code: 'PAY-3', amount_tiyn: 1500, kind: 'compensation' },
    ]);
    const readings = await h.db
      .selectFrom('readings')
      .innerJoin('meters', 'meters.id', 'readings.meter_id')
      .select(['meters.code', 'value_l', 'read_on', 'source', 'exported_at'])
      .orderBy('readings.id')
      .execute();
    expect(readings.map((r) => [r.code, r.value_l, r.source])).toContainEqual(['MT1', 117500, 'billing']);
    expect(readings.every((r) => r.exported_at !== null)).toBe(true);
    const month = await h.db
      .selectFrom('account_months')
      .selectAll()
      .where('period', '=', '2026-09-01')
      .orderBy('account_id')
      .execute();
    expect(
      month.map((m) => [m.opening_tiyn, m.charged_tiyn, m.recalculation_tiyn, m.paid_tiyn, m.closing_tiyn]),
    ).toEqual([
      [10000, 38020, 0, 50000, -1980],
      [0, 124641, -1234, 121550, 1857],
    ]);
    const asOf = await billingDataAsOf(h.db);
    expect(Date.now() - (asOf?.getTime() ?? 0)).toBeLessThan(60_000);
    const runs = await h.db.selectFrom('exchange_runs').selectAll().orderBy('id').execute();
    expect(runs).toHaveLength(14);
    expect(runs.every((r) => r.status === 'succeeded' && r.finished_at !== null)).toBe(true);
    expect(runs.find((r) => r.file === 'accounts.csv')?.rows_inserted).toBe(3);
  });

  it('importing the same files again changes nothing', async () => {
    const before = await snapshot();
    const reports = await importPath(h.db, FIXTURES);
    expect(reports.every((r) => r.status === 'succeeded')).toBe(true);
    expect(reports.reduce((n, r) => n + r.inserted + r.updated, 0)).toBe(0);
    expect(reports.reduce((n, r) => n + r.unchanged, 0)).toBe(40);
    expect(await snapshot()).toEqual(before);
  });

  it('a changed row is updated by its key', async () => {
    const report = await importFile(h.db, {
      name: 'streets.csv',
      bytes: csv('code,name\nST2,Красина көшесі\nST1,Қазақстан даңғылы\n'),
    });
    expect([report.status, report.inserted, report.updated, report.unchanged]).toEqual([
      'succeeded',
      0,
      1,
      1,
    ]);
    const street = await h.db
      .selectFrom('streets')
      .select('name')
      .where('code', '=', 'ST2')
      .executeTakeFirstOrThrow();
    expect(street.name).toBe('Красина көшесі');
  });

  it('a file with errors changes nothing and reports every bad row with its line', async () => {
    const before = await snapshot();
    const text = [
      'number,kind,premise,owner_name,residents,contract_number,bin_iin,opened_on',
      '7700001,individual,PR1,Short Number,1,,,2020-01-01',
      '77000004,individual,PR404,No Such Premise,1,,,2020-01-01',
      '77000001,individual,PR1,Changed Name,3,,,2015-01-01',
      '77000005,legal,PR1,No Contract Ltd,0,,,2020-01-01',
      '77000006,individual,PR1,Bad Date,1,,,2020-02-30',
      '77000007,individual,PR1,Bad Residents,two,,,2020-01-01',
      '77000001,individual,PR1,Same Key Again,3,,,2015-01-01',
      '',
    ].join('\n');
    const report = await importFile(h.db, { name: 'accounts.csv', bytes: csv(text) }, { locale: 'ru' });
    expect(report.status).toBe('rejected');
    expect(report.rowsRead).toBe(7);
    expect(report.rejected).toBe(6);
    expect(report.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      ['accounts.csv', 2, 'Лицевой счёт — 8 цифр, указано «7700001»'],
      ['accounts.csv', 3, '«premise»: «PR404» не найден'],
      ['accounts.csv', 5, 'Для юридического лица нужны номер договора и БИН'],
      ['accounts.csv', 6, '«opened_on»: дата должна быть ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, указано «2020-02-30»'],
      ['accounts.csv', 7, '«residents»: нужно целое число, указано «two»'],
      ['accounts.csv', 8, 'Повтор: number=77000001 уже есть в строке 4 этого файла'],
    ]);
    expect(await snapshot()).toEqual(before);
    const run = await h.db
      .selectFrom('exchange_runs')
      .selectAll()
      .where('id', '=', report.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('rejected');
    expect((run.errors as { line: number }[]).map((e) => e.line)).toEqual([2, 3, 5, 6, 7, 8]);

    const kk = await importFile(h.db, { name: 'accounts.csv', bytes: csv(text) }, { locale: 'kk' });
    expect(kk.problems[0]?.message).toBe('Жеке шот нөмірі 8 цифр болуы керек, берілгені «7700001»');
  });

  it('rejects a file with an unknown column, a balance that does not add up, or an unknown kind', async () => {
    const header = await importFile(
      h.db,
      { name: 'streets.csv', bytes: csv('code,name,colour\nST9,X,red\n') },
      { locale: 'en' },
    );
    expect(header.problems.map((p) => [p.line, p.message])).toEqual([[0, 'Unknown column "colour"']]);
    const balance = await importFile(
      h.db,
      {
        name: 'balances.csv',
        bytes: csv('account,period,opening,charged,paid,closing\n77000001,2026-10,-19.80,100,0,80.21\n'),
      },
      { locale: 'en' },
    );
    expect(balance.problems.map((p) => [p.line, p.message])).toEqual([
      [
        2,
        'The balance does not add up: opening + charged + recalculation + penalty + other - paid = 80.20, the file says 80.21',
      ],
    ]);
    const unknown = await importFile(h.db, { name: 'invoices.csv', bytes: csv('a\n1\n') });
    expect(unknown.status).toBe('rejected');
    expect(unknown.problems[0]?.line).toBe(0);
  });

  it('reads Windows-1251 files (detected, or declared in the name) and semicolons', async () => {
    const bytes = iconv.encode('code;name\nST3;Абая\nST4;"Пушкина; угол"\n', 'win1251');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const report = await importFile(h.db, { name: 'streets.csv', bytes });
    expect([report.status, report.encoding, report.inserted]).toEqual(['succeeded', 'windows-1251', 2]);
    const names = await h.db
      .selectFrom('streets')
      .select('name')
      .where('code', 'in', ['ST3', 'ST4'])
      .orderBy('code')
      .execute();
    expect(names.map((n) => n.name)).toEqual(['Абая', 'Пушкина; угол']);
    const declared = await importFile(h.db, {
      name: 'streets.cp1251.csv',
      bytes: iconv.encode('code,name\nST5,Ленина\n', 'win1251'),
    });
    expect([declared.encoding, declared.inserted]).toEqual(['windows-1251', 1]);
  });

  it('rejects a key repeated in a file, whether the key is new or already stored and unchanged', async () => {
    const before = await snapshot();
    const cases = [
      // ST1's first row equals what is stored, so only the second row would change it.
      ['streets.csv', 'code,name\nST1,Қазақстан даңғылы\nST1,Другое имя\n', [[3, 'code=ST1', 2]]],
      ['streets.csv', 'code,name\nST8,Новая\nST9,Ещё\nST8,Новая\n', [[4, 'code=ST8', 2]]],
      ['streets.csv', 'code,name\nST8,Новая\nST9,Ещё\nST8,Другая\n', [[4, 'code=ST8', 2]]],
      [
        'charges.csv',
        [
          'account,period,service,basis,volume_m3,tariff_per_m3,vat_percent,amount',
          '77000001,2026-09,cold_water,meter,2.092,59.34,16,144.00',
          '77000001,2026-09,cold_water,meter,2.092,59.34,16,144.00',
          '',
        ].join('\n'),
        [[3, 'account_id=', 2]],
      ],
    ] as const;
    // batchSize 1 and 2: the repeated rows in different statements (or staging segments).
    for (const [[name, text, expected], batchSize] of cases.flatMap((c) =>
      [1, 2, undefined].map((b) => [c, b] as const),
    )) {
      const report = await importFile(h.db, { name, bytes: csv(text) }, { locale: 'en', batchSize });
      expect(report.status).toBe('rejected');
      expect(report.rejected).toBe(expected.length);
      expect(report.problems.map((p) => [p.line, p.params?.line])).toEqual(
        expected.map(([line, , first]) => [line, first]),
      );
      expect(report.problems.every((p, i) => String(p.params?.key).startsWith(expected[i]![1]))).toBe(true);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('reports unknown references, repeated keys and bad cells together, in line order', async () => {
    const before = await snapshot();
    const text = [
      'account,period,service,basis,volume_m3,tariff_per_m3,vat_percent,amount',
      '77000001,2026-08,cold_water,meter,2.092,59.34,16,144.00',
      '77009999,2026-08,cold_water,meter,2.092,59.34,16,144.00',
      '77000001,2026-08,cold_water,meter,1,59.34,16,1.00',
      '77000002,2026-08,sewage,meter,x,58.85,16,1.00',
      '77009999,2026-08,cold_water,meter,2.092,59.34,16,144.00',
      '',
    ].join('\n');
    const report = await importFile(h.db, { name: 'charges.csv', bytes: csv(text) }, { locale: 'ru' });
    expect(report.status).toBe('rejected');
    expect([report.rowsRead, report.rejected]).toEqual([5, 4]);
    const account = await h.db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', '77000001')
      .executeTakeFirstOrThrow();
    expect(report.problems.map((p) => [p.line, p.message])).toEqual([
      [3, '«account»: «77009999» не найден'],
      [
        4,
        `Повтор: account_id=${account.id}, period=2026-08-01, service=cold_water, basis=meter уже есть в строке 2 этого файла`,
      ],
      [5, '«volume_m3»: объём в кубометрах, не более 3 знаков после точки (например 117.500), указано «x»'],
      [6, '«account»: «77009999» не найден'],
    ]);
    if (engine === 'PostgreSQL') {
      const batched = await importFile(
        h.db,
        { name: 'charges.csv', bytes: csv(text) },
        { locale: 'ru', method: 'batches' },
      );
      expect(batched.problems.map((p) => [p.line, p.message])).toEqual(
        report.problems.map((p) => [p.line, p.message]),
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('writes a file in several statements (or staging segments) with the same result', async () => {
    const text = `code,building,apartment\n${[1, 2, 3, 4, 5].map((i) => `PRS${i},BL1,${i}`).join('\n')}\n`;
    const first = await importFile(h.db, { name: 'premises.csv', bytes: csv(text) }, { batchSize: 2 });
    expect([first.status, first.inserted, first.updated, first.unchanged]).toEqual(['succeeded', 5, 0, 0]);
    const changed = text.replace('PRS4,BL1,4', 'PRS4,BL1,4a');
    const again = await importFile(h.db, { name: 'premises.csv', bytes: csv(changed) }, { batchSize: 2 });
    expect([again.status, again.inserted, again.updated, again.unchanged]).toEqual(['succeeded', 0, 1, 4]);
    const apartments = await h.db
      .selectFrom('premises')
      .select('apartment')
      .where('code', 'like', 'PRS%')
      .orderBy('code')
      .execute();
    expect(apartments.map((a) => a.apartment)).toEqual(['1', '2', '3', '4a', '5']);
  });

  it('keeps tabs, backslashes and line breaks inside quoted cells', async () => {
    const name = 'Улица\t"Тест"\\ \nвторая строка';
    const report = await importFile(h.db, {
      name: 'streets.csv',
      bytes: csv(`code,name\nSTX,"${name.replace(/"/g, '""')}"\n`),
    });
    expect([report.status, report.inserted]).toEqual(['succeeded', 1]);
    const street = await h.db
      .selectFrom('streets')
      .select('name')
      .where('code', '=', 'STX')
      .executeTakeFirstOrThrow();
    expect(street.name).toBe(name);
    const again = await importFile(h.db, {
      name: 'streets.csv',
      bytes: csv(`code,name\nSTX,"${name.replace(/"/g, '""')}"\n`),
    });
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, 1]);
  });
});

describe(`readings export (${engine})`, () => {
  const addReading = async (meter: string, valueL: number, day: string) => {
    const m = await h.db
      .selectFrom('meters')
      .select('id')
      .where('code', '=', meter)
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('readings')
      .values({ meter_id: m.id, period: '2026-10-01', value_l: valueL, read_on: day, source: 'cabinet' })
      .execute();
  };
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\r\n');

  it('writes the readings submitted since the last export, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    await addReading('MT1', 119_250, '2026-10-20');
    await addReading('MT3', 1_040_001, '2026-10-21');
    const first = await exportReadings(h.db, dir);
    expect(first.rows).toBe(2);
    const rows = lines(first.file!);
    expect(rows[0]).toBe('reading_id,account,meter,serial,water,period,value_m3,read_on,source,submitted_at');
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 9))).toEqual([
      ['77000001', 'MT1', '31883369', 'cold', '2026-10', '119.250', '2026-10-20', 'cabinet'],
      ['77000003', 'MT3', '22001100', 'cold', '2026-10', '1040.001', '2026-10-21', 'cabinet'],
    ]);
    const second = await exportReadings(h.db, dir);
    expect(second).toEqual({ batchId: null, file: null, rows: 0, resumed: false });
    const unexported = await h.db
      .selectFrom('readings')
      .select('id')
      .where('exported_at', 'is', null)
      .execute();
    expect(unexported).toHaveLength(0);
  });

  it('an interrupted export is finished by the next run: nothing twice, nothing skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    await addReading('MT1', 120_000, '2026-10-22');
    await addReading('MT2', 42_000, '2026-10-22');
    await expect(
      exportReadings(h.db, dir, {
        afterWrite: () => {
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    const pending = await h.db
      .selectFrom('readings')
      .select(['export_batch_id', 'exported_at'])
      .where('exported_at', 'is', null)
      .execute();
    expect(pending).toHaveLength(2);
    const batch = pending[0]!.export_batch_id!;
    expect(pending.every((p) => p.export_batch_id === batch)).toBe(true);
    // A reading submitted after the interruption belongs to the next batch.
    await addReading('MT3', 1_050_000, '2026-10-23');

    const resumed = await exportReadings(h.db, dir);
    expect([resumed.batchId, resumed.rows, resumed.resumed]).toEqual([batch, 2, true]);
    expect(
      lines(resumed.file!)
        .slice(1)
        .map((r) => r.split(',')[2]),
    ).toEqual(['MT1', 'MT2']);
    const next = await exportReadings(h.db, dir);
    expect([next.rows, next.resumed]).toEqual([1, false]);
    expect(
      lines(next.file!)
        .slice(1)
        .map((r) => r.split(',')[2]),
    ).toEqual(['MT3']);
    expect((await exportReadings(h.db, dir)).rows).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      `readings-${String(batch).padStart(6, '0')}.csv`,
      `readings-${String(next.batchId).padStart(6, '0')}.csv`,
    ]);
    const all = await h.db
      .selectFrom('readings')
      .select(['export_batch_id'])
      .where('source', '=', 'cabinet')
      .execute();
    expect(all.every((r) => r.export_batch_id !== null)).toBe(true);
  });
});

describe(`weekly exchange job (${engine})`, () => {
  it('imports what the billing system left, moves the files, exports the new readings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exchange-'));
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'streets.csv'), 'code,name\nST7,Сәтпаев\n');
    writeFileSync(join(dir, 'in', 'buildings.csv'), 'code,street,number\nBL7,ST7,1\nBL8,NOPE,2\n');
    const m = await h.db
      .selectFrom('meters')
      .select('id')
      .where('code', '=', 'MT1')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('readings')
      .values({
        meter_id: m.id,
        period: '2026-11-01',
        value_l: 130_000,
        read_on: '2026-11-20',
        source: 'cabinet',
      })
      .execute();
    const result = await runExchange(h.db, dir, new Date('2026-11-30T22:00:00Z'));
    expect(result.imports.map((r) => [r.file, r.status])).toEqual([
      ['streets.csv', 'succeeded'],
      ['buildings.csv', 'rejected'],
    ]);
    expect(readdirSync(join(dir, 'in', 'done'))).toEqual(['20261130T220000_streets.csv']);
    expect(readdirSync(join(dir, 'in', 'rejected'))).toEqual(['20261130T220000_buildings.csv']);
    expect(result.export.rows).toBe(1);
    expect(readdirSync(join(dir, 'out'))).toEqual([basename(result.export.file!)]);
  });

  it('is scheduled weekly in Almaty time', async () => {
    const jobs = await startJobQueue(h.db);
    try {
      await registerExchangeJob(jobs, {
        db: h.db,
        config: { EXCHANGE_CRON: '0 3 * * 1', EXCHANGE_DIR: mkdtempSync(join(tmpdir(), 'exchange-')) },
        log: { info: () => {}, error: () => {} },
      });
      const schedules = await jobs.getSchedules();
      expect(schedules.map((s) => [s.name, s.cron, s.options?.tz])).toEqual([
        [EXCHANGE_QUEUE, '0 3 * * 1', 'Asia/Almaty'],
      ]);
    } finally {
      await jobs.stop({ graceful: false, wait: true });
    }
  });
});
