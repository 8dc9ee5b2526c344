import argon2 from 'argon2';

/**
 * Passwords: argon2id at OWASP's recommended configuration (Password Storage Cheat Sheet, Argon2id:
 * 19 MiB of memory, 2 passes, 1 lane). About 36 ms of one core here, where the library's defaults
 * (64 MiB, 3 passes, 4 lanes) took about 250 ms of CPU and 350 ms to answer a sign-in on two cores
 * (decision 190).
 */
const PASSWORD = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** How a hash at PASSWORD's parameters begins (migration 0860's index says the same). */
export const CURRENT_PASSWORD_HASH_PREFIX = '$argon2id$v=19$m=19456,p=1,t=2$';

/** The parameters passwords were hashed with before decision 190: the library's defaults. */
const OLDER_PASSWORD = { type: argon2.argon2id } as const;

/**
 * An IIN kept for checking only is twelve digits with a date in them, far fewer to guess than a
 * password, and it is checked rarely (registration, recovery): it keeps the library's defaults.
 */
const IIN = { type: argon2.argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD);
}

/** Checks against the parameters written in the hash, whatever they are. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Whether a password hash was made with other parameters than hashPassword's (an older one). */
export function passwordNeedsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, PASSWORD);
  } catch {
    return false;
  }
}

/** A hash to verify against when no user matched, so a miss costs as long as a hit. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('no-such-user-password');
  return dummyHash;
}

let dummyOlderHash: Promise<string> | undefined;
function dummyOlderPasswordHash(): Promise<string> {
  dummyOlderHash ??= argon2.hash('no-such-user-password', OLDER_PASSWORD);
  return dummyOlderHash;
}

/** What a login's stored password hash is: at the current parameters, at older ones, or none to check. */
export type StoredHashKind = 'current' | 'older' | 'none';

export function storedHashKind(stored: string | undefined): StoredHashKind {
  if (!stored?.startsWith('$argon2')) return 'none';
  return passwordNeedsRehash(stored) ? 'older' : 'current';
}

/**
 * The hashes a password check verifies against, in turn, until one matches: the login's own (a
 * dummy at the current parameters when it has none) and, while hashes at older parameters are
 * still stored, a dummy at the parameters the first one does not have. So a refused check costs
 * one verification at each kind of parameters whether the login is unknown, has a current hash or
 * an older one, and its time does not tell which (decision 190).
 */
export function passwordCheckPlan(
  kind: StoredHashKind,
  olderStored: boolean,
): ('own' | 'current' | 'older')[] {
  const first = kind === 'none' ? 'current' : 'own';
  if (!olderStored) return [first];
  return [first, kind === 'older' ? 'current' : 'older'];
}

/**
 * Checks the password typed for a login whose stored hash is `stored` (undefined: no such login),
 * doing the same work for a refusal whatever the login (passwordCheckPlan). `olderStored` is asked
 * only when the first verification fails.
 */
export async function checkLoginPassword(
  stored: string | undefined,
  password: string,
  olderStored: () => Promise<boolean>,
): Promise<boolean> {
  const kind = storedHashKind(stored);
  if (kind !== 'none' && (await verifyPassword(stored ?? '', password))) return true;
  // Refused (or nothing of its own): the plan's dummies, the own hash having been checked above.
  const dummies = { current: dummyPasswordHash, older: dummyOlderPasswordHash };
  for (const step of passwordCheckPlan(kind, await olderStored())) {
    if (step !== 'own') await verifyPassword(await dummies[step](), password);
  }
  return false;
}

/** An IIN kept for checking only (recovery), hashed like a password but at the stronger parameters. */
export function hashIin(iin: string): Promise<string> {
  return argon2.hash(iin, IIN);
}
