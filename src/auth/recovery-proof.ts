import { createHash, timingSafeEqual } from 'node:crypto';
import { legalLoginFromContract } from './legal-login';
import { hashIin, verifyPassword } from './passwords';

/**
 * What proves, in password recovery, that the person with the check word holds the account
 * (decision 064): the IIN/BIN on record for it, compared in constant time — the account's
 * `bin_iin` from the billing system when it has one (every company; households the billing
 * system knows), otherwise the IIN the household gave at registration (`users.iin_hash`). A
 * household registered before IINs were asked has none: nothing typed matches, and its recovery
 * mail sends it to the subscriber department instead.
 */
export interface HolderProof {
  accounts: { number: string; contract_number: string | null; bin_iin: string | null }[];
  iinHash: string | null;
}

/** Whether the user has any IIN/BIN on record to check, i.e. whether online recovery can work. */
export function hasIinOnRecord(proof: HolderProof): boolean {
  return proof.iinHash !== null || proof.accounts.some((a) => a.bin_iin !== null);
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

let dummyIinHash: Promise<string> | undefined;

/**
 * Checks the account (number or contract) and the IIN/BIN typed against a holder. It always runs
 * one argon2 verification, on the stored IIN hash or on a dummy one, so the time taken does not
 * tell which part was wrong or whether the user exists.
 */
export async function proofMatches(
  proof: HolderProof,
  typed: { account: string; binIin: string },
): Promise<boolean> {
  const wanted = legalLoginFromContract(typed.account);
  const account = proof.accounts.find(
    (a) =>
      a.number === typed.account ||
      (a.contract_number !== null && wanted !== '' && legalLoginFromContract(a.contract_number) === wanted),
  );
  const onAccount = account?.bin_iin ?? null;
  const hash = onAccount === null && proof.iinHash ? proof.iinHash : null;
  dummyIinHash ??= hashIin('000000000000');
  const hashOk = await verifyPassword(hash ?? (await dummyIinHash), typed.binIin);
  const accountOk = sameSecret(onAccount ?? '', typed.binIin);
  if (!account) return false;
  if (onAccount !== null) return accountOk;
  return hash !== null && hashOk;
}
