import { audit } from '../auth/audit';
import { sameSurname } from '../auth/registration.service';
import type { DB } from '../db/database';
import { householdsAtAddress } from './accounts.queries';
import { signLookupToken } from './lookup-token';

export interface AddressInput {
  streetId: number;
  house: string;
  prefix: string;
  apartment: string;
  surname: string;
}

/** A household found by its address: its number, whether it has meters, and a breakdown token. */
export interface FoundAccount {
  number: string;
  hasMeters: boolean;
  token: string;
}

/**
 * Finds a household's account by its exact address and the owner's surname (in any case);
 * anything less finds nothing. A find gives a signed token for the anonymous breakdown. Both
 * outcomes are audited.
 */
export async function findAccountByAddress(
  db: DB,
  input: AddressInput,
  ctx: { userId: number | null; ip: string; secret: string },
): Promise<FoundAccount | null> {
  const rows = await householdsAtAddress(db, input);
  const match = rows.find((r) => sameSurname(r.owner_surname, input.surname));
  await audit(db, {
    actorUserId: ctx.userId,
    action: match ? 'lookup.found' : 'lookup.miss',
    subject: match?.number ?? '',
    ip: ctx.ip,
  });
  if (!match) return null;
  return {
    number: match.number,
    hasMeters: match.hasMeters,
    token: signLookupToken(ctx.secret, match.number),
  };
}
