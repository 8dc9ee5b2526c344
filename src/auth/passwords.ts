import argon2 from 'argon2';

/**
 * Passwords: argon2id at OWASP's recommended configuration (Password Storage Cheat Sheet, Argon2id:
 * 19 MiB of memory, 2 passes, 1 lane). About 36 ms of one core here, where the library's defaults
 * (64 MiB, 3 passes, 4 lanes) took about 250 ms of CPU and 350 ms to answer a sign-in on two cores
 * (decision 190).
 */
const PASSWORD = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

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

/** An IIN kept for checking only (recovery), hashed like a password but at the stronger parameters. */
export function hashIin(iin: string): Promise<string> {
  return argon2.hash(iin, IIN);
}
