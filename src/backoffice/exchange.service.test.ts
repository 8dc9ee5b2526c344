import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { RUNS, singleFlight } from '../jobs/single-flight';
import type { StaffActor } from './actor';
import { importUploadedFile, runExchangeNow } from './exchange.service';
import type { ReceivedUpload } from './upload';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
let dir: string;
const actor: StaffActor = { userId: null, ip: '192.0.2.10' };
beforeAll(async () => {
  handle = await testDatabase();
  dir = await mkdtemp(join(tmpdir(), 'exchange-service-'));
});
afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

const auditOf = (action: string) =>
  handle.db
    .selectFrom('audit_log')
    .select(['subject', 'ip', 'details'])
    .where('action', '=', action)
    .execute();

/** An upload as the route receives it: a file in its own temporary directory. */
async function received(name: string, content: string): Promise<ReceivedUpload & { kind: 'file' }> {
  const uploadDir = await mkdtemp(join(dir, 'upload-'));
  const path = join(uploadDir, name);
  await writeFile(path, content);
  return { kind: 'file', name, path, dispose: () => rm(uploadDir, { recursive: true, force: true }) };
}

describe(`importUploadedFile (${engine})`, () => {
  it('audits a refused upload (but not a missing file) and imports nothing', async () => {
    expect(await importUploadedFile(handle.db, actor, { kind: 'none' }, { locale: 'en' })).toEqual({
      kind: 'refused',
      reason: 'none',
    });
    expect(await importUploadedFile(handle.db, actor, { kind: 'too-large' }, { locale: 'en' })).toEqual({
      kind: 'refused',
      reason: 'too-large',
    });
    expect(await auditOf('exchange.upload.refused')).toEqual([
      { subject: '', ip: '192.0.2.10', details: { reason: 'too-large' } },
    ]);
  });

  it('imports a received file, audits the outcome and removes the file', async () => {
    const upload = await received('streets.csv', 'code,name\nSV1,Жаңа көше\n');
    const result = await importUploadedFile(handle.db, actor, upload, { locale: 'ru' });
    expect(result).toMatchObject({
      kind: 'imported',
      report: { status: 'succeeded', rowsRead: 1, inserted: 1 },
    });
    const streets = await handle.db.selectFrom('streets').select('name').where('code', '=', 'SV1').execute();
    expect(streets).toEqual([{ name: 'Жаңа көше' }]);
    expect(await auditOf('exchange.upload')).toEqual([
      { subject: 'streets.csv', ip: '192.0.2.10', details: { status: 'succeeded', rows: 1, rejected: 0 } },
    ]);
    expect((await readdir(dir)).filter((d) => d.startsWith('upload-'))).toEqual([]);
  });
});

describe(`runExchangeNow (${engine})`, () => {
  it('refuses a run over the limit, and one while another runs; runs and audits otherwise', async () => {
    const exchangeDir = join(dir, 'exchange');
    await mkdir(join(exchangeDir, 'in'), { recursive: true });
    const limited = await runExchangeNow(handle.db, actor, { dir: exchangeDir, limit: async () => 120 });
    expect(limited).toEqual({ kind: 'limited', wait: 120 });
    const busy = await singleFlight(handle.db, RUNS.exchange, () =>
      runExchangeNow(handle.db, actor, { dir: exchangeDir, limit: async () => 0 }),
    );
    expect(busy).toEqual({ kind: 'busy', since: expect.any(Date) });
    expect(
      await handle.db.selectFrom('exchange_runs').select('id').where('kind', '=', 'export').execute(),
    ).toEqual([]);
    const done = await runExchangeNow(handle.db, actor, { dir: exchangeDir, limit: async () => 0 });
    expect(done).toMatchObject({ kind: 'done', result: { imports: [], export: { rows: 0 } } });
    expect((await auditOf('exchange.run.limited')).map((a) => a.details)).toEqual([{ wait: 120 }]);
    expect((await auditOf('exchange.run.busy')).map((a) => a.subject)).toEqual([exchangeDir]);
    expect((await auditOf('exchange.run')).map((a) => a.details)).toEqual([{ imports: 0, exported: 0 }]);
  });
});
