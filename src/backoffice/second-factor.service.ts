import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import {
  acceptTotpStep,
  countTotpFailure,
  markSessionVerified,
  secondFactorDone,
  selectTotpState,
} from './second-factor.queries';
import { totpStep } from './totp';

/**
 * TOTP guessing is limited per staff user, whatever the session or the address: five wrong codes
 * are free, then every wrong code locks the second factor for 30 s, 1 min, 2 min, ... up to an hour.
 * Only an accepted code clears the count (a fresh password login does not).
 */
export const TOTP_POLICY = { free: 5, firstLockSeconds: 30, maxLockSeconds: 3600 };

export type SecondFactorResult =
  | { ok: true; enrolled: boolean }
  | { ok: false; reason: 'wrong' | 'reused' | 'locked'; lockedUntil: Date | null };

/**
 * Checks an administrator's code for a session: refused while the user is locked, refused when the
 * code's time step was already used (by this or another session), counted and audited when wrong.
 * `pendingSecret` is the secret being enrolled (the user has none yet).
 */
export async function verifySecondFactor(
  db: DB,
  input: { userId: number; sessionHash: string; code: string; pendingSecret: string | null; ip: string },
  now = Date.now(),
): Promise<SecondFactorResult> {
  const user = await selectTotpState(db, input.userId);
  const secret = user.totp_secret ?? input.pendingSecret;
  const enrolling = !user.totp_secret;
  const log = (action: string, details: object, into: DB = db) =>
    audit(into, { actorUserId: user.id, action, subject: user.login, ip: input.ip, details });
  if (user.locked_until) {
    await log('admin.totp.failed', { reason: 'locked', failed: user.totp_failed });
    return { ok: false, reason: 'locked', lockedUntil: user.locked_until };
  }
  const step = secret ? totpStep(secret, user.login, input.code, now) : null;
  const accepted =
    step !== null &&
    (await db.transaction().execute(async (tx) => {
      if (!(await acceptTotpStep(tx, user.id, step, enrolling ? secret : null))) return false;
      await markSessionVerified(tx, input.sessionHash);
      if (enrolling) await log('admin.totp.enrolled', {}, tx);
      return true;
    }));
  if (accepted) {
    await log('admin.totp.verified', {});
    return { ok: true, enrolled: enrolling };
  }
  const reason = step === null ? 'wrong' : 'reused';
  const failed = await countTotpFailure(db, user.id, TOTP_POLICY);
  await log('admin.totp.failed', { reason, failed: failed.totp_failed });
  const until = failed.totp_locked_until ? new Date(failed.totp_locked_until) : null;
  const lockedUntil = until && until.getTime() > now ? until : null;
  return { ok: false, reason, lockedUntil };
}

/** Where a staff user stands with the second factor: enrolled, this session verified, locked until. */
export async function secondFactorStatus(
  db: DB,
  userId: number,
  sessionHash: string,
): Promise<{ enrolled: boolean; verified: boolean; lockedUntil: Date | null }> {
  const state = await selectTotpState(db, userId);
  const verified = await secondFactorDone(db, sessionHash);
  return { enrolled: Boolean(state.totp_secret), verified, lockedUntil: state.locked_until };
}
