import type { DB } from '../db/database';
import type { Litres } from '../money/litres';
import type { StoredReading } from '../readings/readings.queries';
import {
  type FieldProblem,
  type LargeConsumption,
  type SubmitResult,
  submitReadings,
} from '../readings/submit-readings.service';
import { meterAccountsOfUser } from './premises.queries';

export interface PremisesSubmitRequest {
  userId: number;
  /** What the customer typed, per meter id, over all their accounts; empty strings are rows left empty. */
  typed: Record<number, string>;
  /** Generated when the form was drawn; one key serves every account (the rows' keys carry the meter). */
  idempotencyKey: string;
  /**
   * Large consumptions the customer confirmed: meter id to the litres confirmed. An account's
   * readings are stored with a large consumption only when each such meter is confirmed with the
   * very value sent.
   */
  confirmedLarge: Record<number, Litres>;
  confirmThresholdM3: number;
  maxPerMonth: number;
  now: Date;
}

/** What became of one account's filled rows: each account is stored whole or not at all. */
export type AccountOutcome =
  /** `replay`: the same rows were stored by an earlier send of this form (nothing new stored). */
  | { accountNumber: string; kind: 'stored'; saved: StoredReading[]; replay: boolean }
  | { accountNumber: string; kind: 'invalid'; errors: Record<number, FieldProblem> }
  | { accountNumber: string; kind: 'confirm'; large: LargeConsumption[]; values: Record<number, Litres> }
  | { accountNumber: string; kind: 'closed' };

export interface PremisesSubmitResult {
  /** One entry per account with at least one filled row, in the order of the user's accounts. */
  accounts: AccountOutcome[];
  /** Filled rows whose meter is not one of the user's meters in service: refused, nothing stored for them. */
  foreign: number[];
}

/**
 * The use case "a customer with several accounts submits the month's readings of all of them at
 * once" (docs/decisions/165). Rows left empty are skipped. The filled rows are grouped by account
 * and each account is submitted through the single-account use case (submitReadings), with the
 * same parsing, rules, monthly limit, large-consumption check, readings window and idempotency:
 * an account whose rows pass is stored (and committed) whatever the other accounts' rows say; an
 * account with a refused row stores none of its rows. Only meters of the user's own accounts are
 * taken: any other meter id is refused before anything is submitted for it.
 */
export async function submitPremisesReadings(
  db: DB,
  req: PremisesSubmitRequest,
): Promise<PremisesSubmitResult> {
  const owners = await meterAccountsOfUser(db, req.userId);
  const accountOf = new Map(owners.map((o) => [o.meterId, o.accountNumber]));
  const order = [...new Set(owners.map((o) => o.accountNumber))];
  const byAccount = new Map<string, Record<number, string>>();
  const foreign: number[] = [];
  for (const [idText, text] of Object.entries(req.typed)) {
    if (text.trim() === '') continue;
    const meterId = Number(idText);
    const account = accountOf.get(meterId);
    if (account === undefined) {
      foreign.push(meterId);
      continue;
    }
    const typed = byAccount.get(account) ?? {};
    typed[meterId] = text;
    byAccount.set(account, typed);
  }

  const accounts: AccountOutcome[] = [];
  for (const accountNumber of order) {
    const typed = byAccount.get(accountNumber);
    if (!typed) continue;
    accounts.push(await submitAccount(db, req, accountNumber, typed));
  }
  return { accounts, foreign };
}

/** One account's filled rows through the single-account use case; large consumption as confirmed. */
async function submitAccount(
  db: DB,
  req: PremisesSubmitRequest,
  accountNumber: string,
  typed: Record<number, string>,
): Promise<AccountOutcome> {
  const once = (confirmLarge: boolean) =>
    submitReadings(db, {
      userId: req.userId,
      accountNumber,
      typed,
      idempotencyKey: req.idempotencyKey,
      // The bulk form sends the rows filled in and says so: empty rows are not a partial submission to confirm.
      confirmPartial: true,
      confirmLarge,
      confirmThresholdM3: req.confirmThresholdM3,
      maxPerMonth: req.maxPerMonth,
      now: req.now,
    });
  let result = await once(false);
  if (result.kind === 'confirm' && result.large.every((l) => confirmed(req, l, result))) {
    result = await once(true);
  }
  return outcome(accountNumber, result, typed);
}

/** The customer confirmed this large consumption with the value now sent. */
function confirmed(req: PremisesSubmitRequest, l: LargeConsumption, result: SubmitResult): boolean {
  return result.kind === 'confirm' && req.confirmedLarge[l.meterId] === result.values[l.meterId];
}

function outcome(accountNumber: string, result: SubmitResult, typed: Record<number, string>): AccountOutcome {
  switch (result.kind) {
    case 'accepted':
      return { accountNumber, kind: 'stored', saved: result.saved, replay: result.replay };
    case 'invalid':
      return { accountNumber, kind: 'invalid', errors: result.errors };
    case 'confirm':
      return { accountNumber, kind: 'confirm', large: result.large, values: result.values };
    case 'closed':
      return { accountNumber, kind: 'closed' };
    // Not reachable with rows filled in for one of the user's own accounts; refused like an unknown meter.
    case 'nothing':
    case 'noAccount':
      return {
        accountNumber,
        kind: 'invalid',
        errors: Object.fromEntries(
          Object.keys(typed).map((id) => [id, { problem: 'unknownMeter' as const }]),
        ),
      };
  }
}
