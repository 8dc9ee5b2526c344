import { describe, expect, it } from 'vitest';
import { customerOf, meteredAccount } from '../../test/helpers/factories';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { accountsOfUser } from './accounts.queries';
import { addAccount } from './add-account.service';
import { revokeAccountLink } from './revoke-account-link.service';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

/** An account with its cabinet, and another customer who adds it to their list: the mailed token. */
async function addedByAnother(otherLocale: 'kk' | 'ru' | 'en' = 'ru') {
  const flat = await meteredAccount(db, { surname: 'Омарова' });
  const owner = await customerOf(db, flat, { email: `o-${flat.number}@example.kz` });
  const theirs = await meteredAccount(db);
  const other = await customerOf(db, theirs, { locale: otherLocale });
  const added = await addAccount(
    db,
    { kind: 'individual', number: flat.number, surname: 'Омарова', binIin: '', contract: '' },
    { userId: other.id, login: other.login, locale: 'ru', publicUrl: 'http://x', limit: async () => 0 },
  );
  expect(added).toMatchObject({ ok: true, told: 1 });
  const mail = await db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', owner.email)
    .executeTakeFirstOrThrow();
  const token = decodeURIComponent(/token=([^\s]+)/.exec(mail.text_body)?.[1] ?? '');
  return { flat, owner, other, token };
}
const numbersOf = async (userId: number) => (await accountsOfUser(db, userId)).map((a) => a.number);
const mailsTo = (address: string, purpose: string) =>
  db
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', address)
    .where('purpose', '=', purpose)
    .execute();

describe(`the mailed link that removes another user's link (${engine})`, () => {
  it("removes the other user's link once, audited as the holder's act; a second use is refused", async () => {
    const { flat, owner, other, token } = await addedByAnother();
    expect(await numbersOf(other.id)).toContain(flat.number);
    const first = await revokeAccountLink(db, token, { ip: '192.0.2.5' });
    expect(first).toEqual({ kind: 'revoked', number: flat.number, login: other.login });
    expect(await numbersOf(other.id)).toEqual([other.login]);
    // The holder keeps the account.
    expect(await numbersOf(owner.id)).toEqual([flat.number]);
    const entries = await db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'ip', 'details'])
      .where('action', '=', 'account.link_revoked')
      .where('subject', '=', flat.number)
      .execute();
    expect(entries).toEqual([
      { actor_user_id: owner.id, ip: '192.0.2.5', details: { userId: other.id, login: other.login } },
    ]);
    expect(await revokeAccountLink(db, token, { ip: '192.0.2.5' })).toEqual({ kind: 'invalid' });
  });

  it('tells the user whose link was removed, once, in their language, with the account and how to add it again', async () => {
    const { flat, other, token } = await addedByAnother('kk');
    expect(await mailsTo(other.email, 'account.link_revoked')).toEqual([]);
    await revokeAccountLink(db, token, {});
    await revokeAccountLink(db, token, {});
    const mails = await mailsTo(other.email, 'account.link_revoked');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Дербес шот кабинетіңізден алынды');
    expect(mails[0]?.text_body).toContain(`${flat.number} дербес шотын`);
    expect(mails[0]?.text_body).toContain('«Жеке деректер»');
    // No link in it: nothing to click that could act on the account.
    expect(mails[0]?.text_body).not.toMatch(/token=/);
  });

  it('mails no one whose address is not confirmed', async () => {
    const { other, token } = await addedByAnother('en');
    await db.updateTable('users').set({ email_confirmed_at: null }).where('id', '=', other.id).execute();
    expect(await revokeAccountLink(db, token, {})).toMatchObject({ kind: 'revoked' });
    expect(await mailsTo(other.email, 'account.link_revoked')).toEqual([]);
  });

  it('a forged, empty or over-long token is refused and changes nothing', async () => {
    const { flat, other } = await addedByAnother();
    for (const token of ['', 'forged-token', 'x'.repeat(500)]) {
      expect(await revokeAccountLink(db, token, {})).toEqual({ kind: 'invalid' });
    }
    expect(await numbersOf(other.id)).toContain(flat.number);
  });

  it('when the other user removed the link already, says so (and the token is used up)', async () => {
    const { flat, other, token } = await addedByAnother();
    await db
      .deleteFrom('user_accounts')
      .where('user_id', '=', other.id)
      .where('account_id', '=', flat.id)
      .execute();
    expect(await revokeAccountLink(db, token, {})).toEqual({ kind: 'gone', number: flat.number });
    expect(await revokeAccountLink(db, token, {})).toEqual({ kind: 'invalid' });
  });

  it('a holder who no longer holds the account cannot remove anyone', async () => {
    const { flat, owner, other, token } = await addedByAnother();
    await db.deleteFrom('user_accounts').where('user_id', '=', owner.id).execute();
    expect(await revokeAccountLink(db, token, {})).toEqual({ kind: 'invalid' });
    expect(await numbersOf(other.id)).toContain(flat.number);
  });
});
