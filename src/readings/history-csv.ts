import { periodOfDay } from '../calendar/calendar';
import type { Water } from '../db/schema';
import { formatDate, formatDateTime, formatPeriod, type Locale } from '../i18n/locales';
import { formatMeterReading } from '../money/litres';
import { csvNumber, toCsv } from '../web/csv';
import { readingsText } from './readings.messages';
import type { StoredReading } from './readings.queries';

/** Of a meter's readings (newest first), the ones that count: the first not rejected of each period. */
export function countingReadingIds(rows: readonly StoredReading[]): Set<number> {
  const counting = new Set<number>();
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.status === 'rejected' || seen.has(r.period)) continue;
    seen.add(r.period);
    counting.add(r.id);
  }
  return counting;
}

/**
 * The readings history as a CSV file (decision 095): one row per reading, the same cells as the
 * page's tables, with the meter in front; the reading with a decimal comma.
 */
export function readingHistoryCsv(
  locale: Locale,
  meters: readonly { id: number; water: Water; serial: string }[],
  readings: readonly StoredReading[],
): string {
  const t = readingsText[locale];
  const h = t.history;
  const header = [
    h.waterCol,
    h.meterCol,
    h.periodCol,
    h.date,
    h.value,
    h.sourceCol,
    h.statusCol,
    h.submittedAt,
  ];
  const rows: string[][] = [];
  for (const m of meters) {
    const own = readings.filter((r) => r.meterId === m.id);
    const counting = countingReadingIds(own);
    for (const r of own)
      rows.push([
        m.water === 'cold' ? t.coldLong : t.hotLong,
        m.serial,
        formatPeriod(locale, periodOfDay(r.period)),
        formatDate(r.readOn),
        csvNumber(formatMeterReading(r.valueL)),
        t.source[r.source],
        `${t.status[r.status]}${!counting.has(r.id) && r.status !== 'rejected' ? ` (${h.notCounted})` : ''}`,
        formatDateTime(r.submittedAt),
      ]);
  }
  return toCsv(header, rows);
}
