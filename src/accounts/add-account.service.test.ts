import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { customerOf, meteredAccount } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import { iinCheckDigit } from '../auth/iin';
import type { DB } from '../db/database';
import { actionLimit } from '../web/action-limit';
import { type AddAccountInput, maskLogin } from './account-proof';
import { accountsOfUser } from './accounts.queries';
import { type AddAccountContext, addAccount } from './add-account.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

/** A customer of an account of their own, adding another. */
async function adder(locale: 'kk' | 'ru' | 'en' = 'en') {
  const own = await meteredAccount(db);
  const user = await customerOf(db, own, { locale });
  const ctx: AddAccountContext = {
    userId: user.id,
    login: user.login,
    locale,
    publicUrl: 'https://cabinet.example.kz',
    ip: '192.0.2.10',
    limit: async () => 0,
  };
  return { own, user, ctx };
}

const household = (number: string, surname: string, binIin = ''): AddAccountInput => ({
  kind: 'individual',
  number,
  surname,
  binIin,
  contract: '',
});
const numbersOf = async (userId: number) => (await accountsOfUser(db, userId)).map((a) => a.number);
const audits = (action: string, subject: string) =>
  db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'details'])
    .where('action', '=', action)
    .where('subject', '=', subject)
    .execute();
const mailsTo = (email: string) =>
  db
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body', 'purpose'])
    .where('to_address', '=', email)
    .execute();

describe(`adding an account to a login (${engine})`, () => {
  it('a household account with its owner surname (any case, ё as е) joins the list, audited', async () => {
    const { user, ctx } = await adder();
    const dacha = await meteredAccount(db, { surname: 'Семёнова' });
    const result = await addAccount(db, household(dacha.number, '  семенова '), ctx);
    expect(result).toEqual({ ok: true, number: dacha.number, told: 0 });
    expect(await numbersOf(user.id)).toContain(dacha.number);
    expect(await audits('account.add', dacha.number)).toEqual([
      { actor_user_id: user.id, details: { kind: 'individual', told: [] } },
    ]);
  });

  it('where the billing system knows the holder IIN, the surname alone is not enough', async () => {
    const { user, ctx } = await adder();
    const other = await meteredAccount(db, { surname: 'Ахметова' });
    const iin = `85010140012${iinCheckDigit('85010140012')}`;
    await db.updateTable('accounts').set({ bin_iin: iin }).where('id', '=', other.id).execute();
    const without = await addAccount(db, household(other.number, 'Ахметова'), ctx);
    expect(without).toEqual({ ok: false, errors: { number: expect.stringContaining('No account matches') } });
    expect(await addAccount(db, household(other.number, 'Ахметова', iin), ctx)).toMatchObject({ ok: true });
    expect(await numbersOf(user.id)).toContain(other.number);
  });

  it('a company account with its BIN and contract number (dashes and letters as written anywhere)', async () => {
    const { user, ctx } = await adder();
    const company = await meteredAccount(db, { kind: 'legal', surname: '«Сынақ» ЖШС' });
    const bin = `03074205297${iinCheckDigit('03074205297')}`;
    await db
      .updateTable('accounts')
      .set({ bin_iin: bin, contract_number: `ЮЛ-${company.number}` })
      .where('id', '=', company.id)
      .execute();
    const input = { kind: 'legal' as const, number: company.number, surname: '', binIin: bin };
    const wrong = await addAccount(db, { ...input, contract: 'ЮЛ-000000' }, ctx);
    expect(wrong).toEqual({ ok: false, errors: { number: expect.stringContaining('No account matches') } });
    const result = await addAccount(db, { ...input, contract: `yul${company.number}` }, ctx);
    expect(result).toEqual({ ok: true, number: company.number, told: 0 });
    expect(await numbersOf(user.id)).toContain(company.number);
  });

  it('an unknown number and a wrong surname get the same message, and nothing is linked', async () => {
    const { user, ctx } = await adder('ru');
    const other = await meteredAccount(db, { surname: 'Петрова' });
    const wrong = await addAccount(db, household(other.number, 'Иванова'), ctx);
    const unknown = await addAccount(db, household('99999999', 'Петрова'), ctx);
    // A household's proof given for a company (or the other way round) proves nothing either.
    const kind = await addAccount(
      db,
      {
        ...household(other.number, ''),
        kind: 'legal',
        binIin: `03074205297${iinCheckDigit('03074205297')}`,
        contract: 'X',
      },
      ctx,
    );
    expect(wrong).toEqual({
      ok: false,
      errors: { number: 'Счёт с такими данными не найден. Проверьте номер и данные владельца по квитанции.' },
    });
    expect(unknown).toEqual(wrong);
    expect(kind).toEqual(wrong);
    expect(await numbersOf(user.id)).toEqual([user.login]);
    expect(await audits('account.add_refused', other.number)).toHaveLength(2);
  });

  it('names the field of missing or malformed input in the language of the page', async () => {
    const { ctx } = await adder('kk');
    const result = await addAccount(
      db,
      { kind: 'legal', number: '', surname: '', binIin: '123', contract: '' },
      ctx,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        number: 'Толтыру міндетті.',
        binIin: 'ЖСН/БСН 12 цифрдан тұрады және бақылау цифры дұрыс болуы керек.',
        contract: 'Толтыру міндетті.',
      },
    });
  });

  it('refuses an account already in the list and a closed account', async () => {
    const { own, user, ctx } = await adder();
    expect(await addAccount(db, household(own.number, own.surname), ctx)).toEqual({
      ok: false,
      errors: { number: 'This account is already in your list.' },
    });
    const closed = await meteredAccount(db, { surname: 'Жабық' });
    await db.updateTable('accounts').set({ closed_on: '2025-01-31' }).where('id', '=', closed.id).execute();
    expect(await addAccount(db, household(closed.number, 'Жабық'), ctx)).toEqual({
      ok: false,
      errors: { number: expect.stringContaining('closed') },
    });
    expect(await numbersOf(user.id)).toEqual([own.number]);
  });

  it('stops after ten attempts an hour per user, with the wait next to the button', async () => {
    const { own, user, ctx } = await adder();
    const limit = actionLimit(db, 'accounts.add', { perUser: 10, perClient: 20, timeWindowMs: 3600_000 });
    const req = { user: { id: user.id }, ip: '192.0.2.77' } as unknown as FastifyRequest;
    const target = await meteredAccount(db, { surname: 'Лимитова' });
    const limited = { ...ctx, limit: () => limit(req) };
    for (let i = 0; i < 10; i++) {
      const miss = await addAccount(db, household(target.number, `Guess${i}`), limited);
      expect(miss.ok).toBe(false);
      expect(miss.ok ? null : miss.retryAfter).toBeUndefined();
    }
    // Even the right surname waits now.
    const result = await addAccount(db, household(target.number, 'Лимитова'), limited);
    expect(result).toMatchObject({
      ok: false,
      errors: { form: expect.stringMatching(/^This was done too often/) },
    });
    expect(result.ok ? 0 : result.retryAfter).toBeGreaterThan(0);
    expect(await numbersOf(user.id)).toEqual([own.number]);
    expect(await audits('account.add_limited', target.number)).toHaveLength(1);
  });

  it("mails the account's earlier cabinet in its language, with a single-use revoke link", async () => {
    const flat = await meteredAccount(db, { surname: 'Әлиева' });
    const owner = await customerOf(db, flat, { locale: 'kk', email: `owner-${flat.number}@example.kz` });
    const { user, ctx } = await adder('en');
    const result = await addAccount(db, household(flat.number, 'ӘЛИЕВА'), ctx);
    expect(result).toEqual({ ok: true, number: flat.number, told: 1 });
    const mails = await mailsTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Сіздің дербес шотыңыз басқа кабинетке қосылды');
    expect(mails[0]?.purpose).toBe('account.link_added');
    expect(mails[0]?.text_body).toContain(`${flat.number} дербес шоты`);
    expect(mails[0]?.text_body).toContain(`(${maskLogin(user.login)} логині)`);
    expect(mails[0]?.text_body).not.toContain(user.login);
    expect(mails[0]?.text_body).toMatch(
      /https:\/\/cabinet\.example\.kz\/accounts\/revoke-link\?token=[\w-]+/,
    );
    // Only the token's hash is stored.
    const token = /token=([\w-]+)/.exec(mails[0]?.text_body ?? '')?.[1] ?? '';
    const rows = await db
      .selectFrom('one_time_tokens')
      .select(['token_hash', 'purpose', 'payload'])
      .where('user_id', '=', owner.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toContain(token);
    expect(rows[0]?.payload).toEqual({ userId: String(user.id), accountId: String(flat.id) });
  });
});
