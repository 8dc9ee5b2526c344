import { isCalendarDay } from '../calendar/calendar';
import { type AccountKind, NORM_KINDS, type NormKind, type Service } from '../db/schema';
import { parseTiyn } from '../money/tiyn';

export type { NormKind, Service };
export type TariffCustomerKind = AccountKind;
export type RateForm = 'tariff' | 'vat' | 'norm';

export type EffectiveDateProblem = 'format' | 'notFirstDay' | 'closed';
/** What can be wrong with a field of a rate form (each has a text in rates.messages.ts). */
export type RateProblem = EffectiveDateProblem | 'price' | 'rate' | 'volume' | 'month' | 'choose';

/** Checks an effective date: a real 'YYYY-MM-01' date after the last closed month. */
export function effectiveDateProblem(date: string, firstOpen: string | null): EffectiveDateProblem | null {
  if (!isCalendarDay(date)) return 'format';
  if (!date.endsWith('-01')) return 'notFirstDay';
  if (firstOpen && date < firstOpen) return 'closed';
  return null;
}

/** "16", "12.5", "12,5" percent -> basis points; null when not a rate below 100%. */
export function parsePercentBp(text: string): number | null {
  const m = /^\s*(\d{1,2})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "3.5", "3,500", "4" m³ -> litres; null when not a volume. */
export function parseM3Litres(text: string): number | null {
  const m = /^\s*(\d{1,6})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/** A new rate as the forms give it, checked apart from its date (which depends on the closed months). */
export type RateChange =
  | {
      form: 'tariff';
      service: Service;
      customerKind: TariffCustomerKind;
      effectiveFrom: string;
      priceTiyn: number;
    }
  | { form: 'vat'; effectiveFrom: string; rateBp: number }
  | {
      form: 'norm';
      kind: NormKind;
      effectiveFrom: string;
      litres: number;
      seasonFrom: number | null;
      seasonTo: number | null;
    };

/**
 * A submitted rate form: what was typed (to show again), the problems of its fields, and the change
 * it asks for (null when a field has a problem).
 */
export interface RateDraft {
  form: RateForm;
  values: Record<string, string> & { effective_from: string };
  problems: Partial<Record<string, RateProblem>>;
  change: RateChange | null;
}

const draft = (
  form: RateForm,
  values: RateDraft['values'],
  problems: RateDraft['problems'],
  change: () => RateChange,
): RateDraft => ({ form, values, problems, change: Object.keys(problems).length ? null : change() });

export function tariffDraft(values: {
  service: string;
  customer_kind: string;
  effective_from: string;
  price: string;
}): RateDraft {
  const problems: RateDraft['problems'] = {};
  if (values.service !== 'cold_water' && values.service !== 'sewage') problems.service = 'choose';
  if (values.customer_kind !== 'individual' && values.customer_kind !== 'legal')
    problems.customer_kind = 'choose';
  const price = parseTiyn(values.price);
  if (price === null || price < 0) problems.price = 'price';
  return draft('tariff', values, problems, () => ({
    form: 'tariff',
    service: values.service as Service,
    customerKind: values.customer_kind as TariffCustomerKind,
    effectiveFrom: values.effective_from,
    priceTiyn: price ?? 0,
  }));
}

export function vatDraft(values: { effective_from: string; rate: string }): RateDraft {
  const problems: RateDraft['problems'] = {};
  const bp = parsePercentBp(values.rate);
  if (bp === null) problems.rate = 'rate';
  return draft('vat', values, problems, () => ({
    form: 'vat',
    effectiveFrom: values.effective_from,
    rateBp: bp ?? 0,
  }));
}

/** A month number 1–12 as typed, or null. */
const month = (s: string) => (/^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 12 ? Number(s) : null);

export function normDraft(values: {
  kind: string;
  effective_from: string;
  volume: string;
  season_from: string;
  season_to: string;
}): RateDraft {
  const problems: RateDraft['problems'] = {};
  if (!(NORM_KINDS as readonly string[]).includes(values.kind)) problems.kind = 'choose';
  const litres = parseM3Litres(values.volume);
  if (litres === null || litres > 2_000_000_000) problems.volume = 'volume';
  const from = values.season_from ? month(values.season_from) : null;
  const to = values.season_to ? month(values.season_to) : null;
  if (values.season_from && from === null) problems.season_from = 'month';
  if (values.season_to && to === null) problems.season_to = 'month';
  if (Boolean(values.season_from) !== Boolean(values.season_to))
    problems[values.season_from ? 'season_to' : 'season_from'] = 'month';
  return draft('norm', values, problems, () => ({
    form: 'norm',
    kind: values.kind as NormKind,
    effectiveFrom: values.effective_from,
    litres: litres ?? 0,
    seasonFrom: from,
    seasonTo: to,
  }));
}
