import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { customerOf, meteredAccount } from '../../test/helpers/factories';
import { statementLog } from '../../test/helpers/statement-log';
import { accountsOfUserWithChoice } from './accounts.queries';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

describe(`accountsOfUserWithChoice (${engine})`, () => {
  it("answers requests arriving together with one statement, each with its own user's accounts only", async () => {
    const a1 = await meteredAccount(h.db);
    const a2 = await meteredAccount(h.db);
    const b1 = await meteredAccount(h.db);
    const alone = await meteredAccount(h.db);
    const a = await customerOf(h.db, a1);
    await h.db.insertInto('user_accounts').values({ user_id: a.id, account_id: a2.id }).execute();
    await h.db.updateTable('users').set({ chosen_account_id: a2.id }).where('id', '=', a.id).execute();
    const b = await customerOf(h.db, b1);
    const noAccounts = await customerOf(h.db, alone);
    await h.db.deleteFrom('user_accounts').where('user_id', '=', noAccounts.id).execute();

    const { db, sent } = statementLog(h.db);
    const [ofA, ofB, ofNone, ofAAgain] = await Promise.all([
      accountsOfUserWithChoice(db, a.id),
      accountsOfUserWithChoice(db, b.id),
      accountsOfUserWithChoice(db, noAccounts.id),
      accountsOfUserWithChoice(db, a.id),
    ]);
    expect(sent).toHaveLength(1);
    const numbers = (list: { number: string; chosen: boolean }[]) => list.map((x) => [x.number, x.chosen]);
    // First linked first.
    expect(numbers(ofA)).toEqual([
      [a1.number, false],
      [a2.number, true],
    ]);
    expect(numbers(ofB)).toEqual([[b1.number, false]]);
    expect(ofNone).toEqual([]);
    expect(ofAAgain).toEqual(ofA);
    expect(ofAAgain).not.toBe(ofA);
    expect(Object.keys(ofA[0] ?? {})).not.toContain('userId');
  });
});
