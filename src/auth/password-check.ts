import type { DB } from '../db/database';
import { CURRENT_PASSWORD_HASH_PREFIX, checkLoginPassword } from './passwords';
import { olderPasswordHashesStored } from './users.queries';

/**
 * Whether `password` is the password of the login whose stored hash is `stored` (undefined: no
 * such login). A refusal costs the same for an unknown login and for a known one, whatever the
 * parameters of its hash (decision 190).
 */
export function loginPasswordMatches(db: DB, stored: string | undefined, password: string): Promise<boolean> {
  return checkLoginPassword(stored, password, () =>
    olderPasswordHashesStored(db, CURRENT_PASSWORD_HASH_PREFIX),
  );
}
