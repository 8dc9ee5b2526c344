import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { auditStaff } from './actor';
import { parseAuditQuery } from './audit-filter';
import { auditEntries, backofficeCounts } from './home.queries';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let opId: number;
beforeAll(async () => {
  h = await testDatabase();
  opId = (
    await h.db
      .insertInto('users')
      .values({ login: 'op1', email: 'op1@example.kz', role: 'operator', password_hash: 'x', locale: 'ru' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await auditStaff(h.db, { userId: opId, ip: '192.0.2.1' }, 'tariff.add', 'cold');
  await auditStaff(h.db, { userId: null, ip: '192.0.2.2' }, 'tariff_x.add', 'hot');
  await auditStaff(h.db, { userId: opId, ip: '192.0.2.1' }, 'note.post', 'note:1', { n: 1 });
});
afterAll(async () => h?.close());

const find = (raw: Record<string, string>) => auditEntries(h.db, parseAuditQuery(raw).filter);

describe(`back-office home queries (${engine})`, () => {
  it('counts nothing waiting on an empty database', async () => {
    expect(await backofficeCounts(h.db)).toEqual({ flagged: 0, questions: 0, notes: 0 });
  });

  it('filters the audit log by login and by an action prefix taken literally, newest first', async () => {
    expect((await find({})).map((e) => e.action)).toEqual(['note.post', 'tariff_x.add', 'tariff.add']);
    expect((await find({ actor: 'op1' })).map((e) => e.action)).toEqual(['note.post', 'tariff.add']);
    expect((await find({ action: 'tariff_' })).map((e) => e.subject)).toEqual(['hot']);
    const [note] = await find({ action: 'note' });
    expect([note?.login, note?.ip, note?.details]).toEqual(['op1', '192.0.2.1', { n: 1 }]);
    const first = (await find({})).at(-1)?.id ?? 0;
    expect(await find({ before: String(first) })).toEqual([]);
    expect(await find({ from: '2000-01-01', to: '2000-01-02' })).toEqual([]);
  });
});
