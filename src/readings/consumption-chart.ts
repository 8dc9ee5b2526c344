import { type Locale, MONTHS } from '../i18n/locales';
import { formatM3 } from '../money/litres';
import { renderBarChart } from '../web/svg-bar-chart';
import type { MonthlyConsumption } from './consumption';
import { readingsText } from './readings.messages';

export const COLD_COLOR = '#1f6fb2';
export const HOT_COLOR = '#c8412b';

/** The monthly cold and hot water consumption as an SVG bar chart (m3 on the value axis). */
export function consumptionChartSvg(
  locale: Locale,
  months: MonthlyConsumption[],
  options: { id?: string; width?: number; height?: number } = {},
): string {
  const t = readingsText[locale];
  const m3 = (l: number | null) => (l === null ? null : l / 1000);
  return renderBarChart({
    id: options.id ?? 'consumption',
    title: t.history.chartTitle,
    unit: 'm³',
    width: options.width ?? 760,
    height: options.height ?? 300,
    categories: months.map((m) => ({
      label: MONTHS[locale].short[Number(m.period.slice(5, 7)) - 1] ?? m.period,
      group: m.period.slice(0, 4),
    })),
    series: [
      { name: t.coldLong, color: COLD_COLOR, values: months.map((m) => m3(m.coldL)) },
      { name: t.hotLong, color: HOT_COLOR, values: months.map((m) => m3(m.hotL)) },
    ],
    // Without trailing zeros: "2.500" on an axis reads as two and a half thousand in kk and ru.
    formatValue: (v) => formatM3(Math.round(v * 1000)).replace(/\.?0+$/, ''),
    maxLabels: 12,
  });
}
