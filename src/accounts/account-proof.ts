import { isValidIinBin } from '../auth/iin';
import { legalLoginFromContract } from '../auth/legal-login';
import { sameSurname } from '../auth/registration.service';

/** What the "add an account" form brings: the number and the proof of the right to it. */
export interface AddAccountInput {
  kind: 'individual' | 'legal';
  number: string;
  /** A household's owner surname. */
  surname: string;
  /** A household's holder IIN (asked where the billing system knows it) or a company's BIN. */
  binIin: string;
  /** A company's contract number. */
  contract: string;
}

export type AddAccountField = 'number' | 'surname' | 'binIin' | 'contract';
export type AddAccountProblem = 'required' | 'badNumber' | 'badBin';

/** What is missing or malformed in the form, field by field (nothing looked up yet). */
export function addAccountProblems(
  input: AddAccountInput,
): Partial<Record<AddAccountField, AddAccountProblem>> {
  const problems: Partial<Record<AddAccountField, AddAccountProblem>> = {};
  if (!input.number) problems.number = 'required';
  else if (!/^[0-9A-Za-z-]{1,20}$/.test(input.number)) problems.number = 'badNumber';
  if (input.kind === 'individual') {
    if (!input.surname) problems.surname = 'required';
    if (input.binIin && !isValidIinBin(input.binIin)) problems.binIin = 'badBin';
  } else {
    if (!input.binIin) problems.binIin = 'required';
    else if (!isValidIinBin(input.binIin)) problems.binIin = 'badBin';
    if (!input.contract) problems.contract = 'required';
  }
  return problems;
}

/** The columns of an account its proof is checked against. */
export interface ProofColumns {
  kind: 'individual' | 'legal';
  ownerSurname: string;
  binIin: string | null;
  contractNumber: string | null;
}

/**
 * Whether the form proves the right to the account, the way registration checks it: for a
 * household the owner's surname (any case, ё as е) and, where the billing system knows the holder's
 * IIN, that IIN too; for a company its BIN and contract number (written with or without dashes and
 * in Latin or Cyrillic letters). A form of the other kind proves nothing.
 */
export function provesAccount(account: ProofColumns, input: AddAccountInput): boolean {
  if (account.kind !== input.kind) return false;
  if (account.kind === 'individual') {
    return (
      sameSurname(account.ownerSurname, input.surname) &&
      (account.binIin === null || account.binIin === input.binIin)
    );
  }
  if (account.binIin === null || account.binIin !== input.binIin) return false;
  const wanted = legalLoginFromContract(input.contract);
  return (
    account.contractNumber !== null &&
    (account.contractNumber === input.contract ||
      (wanted !== '' && legalLoginFromContract(account.contractNumber) === wanted))
  );
}

/**
 * A login as another customer's mail or page shows it ("06****01"): enough to recognise one's own,
 * not the other's account number (a household's login is its number, half the proof of adding it).
 */
export function maskLogin(login: string): string {
  const chars = [...login];
  if (chars.length <= 4) return `${chars[0] ?? ''}***`;
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}
