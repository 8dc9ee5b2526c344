import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import { markRevoked } from './api-tokens.queries';

/**
 * Revokes one of the customer's own tokens: requests with it are refused from now on. Audited.
 * Answers false when the customer has no such live token (someone else's, or revoked already).
 */
export async function revokeApiToken(
  db: DB,
  userId: number,
  tokenId: number,
  ctx: { ip: string; now: Date },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const name = await markRevoked(tx, userId, tokenId, ctx.now);
    if (name === null) return false;
    await audit(tx, {
      actorUserId: userId,
      action: 'api_token.revoked',
      subject: `api_token:${tokenId}`,
      ip: ctx.ip,
      details: { name },
    });
    return true;
  });
}
