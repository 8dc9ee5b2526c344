import type { DB } from '../db/database';
import { formatTiyn } from '../money/tiyn';
import { auditStaff, type StaffActor } from './actor';
import { effectiveDateProblem, type RateChange, type RateDraft } from './rates';
import { firstOpenMonth, tariffPriceOn, upsertNorm, upsertTariff, upsertVatRate } from './rates.queries';

export type SaveRateResult =
  | { kind: 'saved' }
  /** Problems per field; `firstOpen` is the earliest date allowed when the date was refused as closed. */
  | { kind: 'invalid'; problems: RateDraft['problems']; firstOpen: string | null };

/**
 * The use case "a staff user sets a tariff, VAT rate or norm from a date". The effective date is
 * checked and the rate written in one transaction, so a month closing meanwhile cannot slip through;
 * the audit entry is written in it too.
 */
export async function saveRate(db: DB, actor: StaffActor, draft: RateDraft): Promise<SaveRateResult> {
  return db.transaction().execute(async (tx) => {
    const firstOpen = await firstOpenMonth(tx);
    const dateProblem = effectiveDateProblem(draft.values.effective_from, firstOpen);
    if (dateProblem || !draft.change) {
      const problems = { ...draft.problems, effective_from: dateProblem ?? undefined };
      return { kind: 'invalid', problems, firstOpen };
    }
    await writeRate(tx, actor, draft.change);
    return { kind: 'saved' };
  });
}

async function writeRate(tx: DB, actor: StaffActor, change: RateChange): Promise<void> {
  switch (change.form) {
    case 'tariff': {
      const key = {
        service: change.service,
        customerKind: change.customerKind,
        effectiveFrom: change.effectiveFrom,
      };
      const before = await tariffPriceOn(tx, key);
      await upsertTariff(tx, key, change.priceTiyn);
      const subject = `${change.service}/${change.customerKind}/${change.effectiveFrom}`;
      await auditStaff(tx, actor, before !== undefined ? 'tariff.change' : 'tariff.add', subject, {
        price: formatTiyn(change.priceTiyn),
        ...(before !== undefined ? { previous: formatTiyn(before) } : {}),
      });
      return;
    }
    case 'vat':
      await upsertVatRate(tx, change.effectiveFrom, change.rateBp);
      await auditStaff(tx, actor, 'vat.set', change.effectiveFrom, { rate_bp: change.rateBp });
      return;
    case 'norm': {
      const row = {
        litres: change.litres,
        season_from_month: change.seasonFrom,
        season_to_month: change.seasonTo,
      };
      await upsertNorm(tx, change.kind, change.effectiveFrom, row);
      await auditStaff(tx, actor, 'norm.set', `${change.kind}/${change.effectiveFrom}`, row);
      return;
    }
  }
}
