import type { DB } from '../db/database';
import { markShown } from './api-tokens.queries';
import { tokenHash } from './token-rules';

/** What the create form hands to the page its redirect shows, sealed in a cookie (decision 170). */
export interface CreatedToken {
  id: number;
  token: string;
}

export function createdTokenFlash(created: CreatedToken): string {
  return JSON.stringify({ id: created.id, token: created.token });
}

function parseFlash(value: string): CreatedToken | null {
  try {
    const { id, token } = JSON.parse(value) as Partial<CreatedToken>;
    return Number.isInteger(id) && typeof token === 'string' ? { id: id as number, token } : null;
  } catch {
    return null;
  }
}

/**
 * The token a customer just created, for the one page that shows it: answered once (the row is
 * marked shown in the same statement that finds it), only to its owner, only while it is live,
 * and only when the value handed over is the token whose hash is stored.
 */
export async function revealCreatedToken(
  db: DB,
  userId: number,
  flash: string,
  now: Date,
): Promise<{ token: string; name: string } | null> {
  const created = parseFlash(flash);
  if (!created) return null;
  const row = await markShown(db, userId, created.id, now);
  if (!row || row.hash !== tokenHash(created.token)) return null;
  return { token: created.token, name: row.name };
}
