import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import {
  accountsOfUser,
  consentsOf,
  documentMonthsOf,
  profileOf,
  readingsOf,
  signInsOf,
} from './personal.queries';
import type { PersonalData } from './personal-export';

/**
 * Gathers the signed-in customer's own data for download: profile, consents, accounts, readings,
 * the months with documents and the record of sign-ins. Every question is asked of the session's
 * user only (no account or user is taken from the request); the export is written to the audit log.
 */
export async function exportPersonalData(
  db: DB,
  who: { userId: number },
  ctx: { ip: string; format: 'json' | 'csv'; now?: Date },
): Promise<PersonalData> {
  return db.transaction().execute(async (tx) => {
    const data: PersonalData = {
      exportedAt: ctx.now ?? new Date(),
      profile: await profileOf(tx, who.userId),
      consents: await consentsOf(tx, who.userId),
      accounts: await accountsOfUser(tx, who.userId),
      readings: await readingsOf(tx, who.userId),
      documents: await documentMonthsOf(tx, who.userId),
      signIns: await signInsOf(tx, who.userId),
    };
    await audit(tx, {
      actorUserId: who.userId,
      action: 'personal.export',
      subject: data.profile.login,
      ip: ctx.ip,
      details: { format: ctx.format },
    });
    return data;
  });
}
