/**
 * A grouped bar chart as a standalone SVG string: pages inline it (no JavaScript needed) and
 * PDF documents can embed the same markup. Pure: data in, markup out. Colours are attributes,
 * not inline styles, so the page's Content-Security-Policy allows it.
 */
export interface BarSeries {
  name: string;
  color: string;
  /** One value per category; null draws no bar (no data), 0 draws a flat mark. */
  values: (number | null)[];
}

export interface BarChartInput {
  title: string;
  /** Axis caption of the values, e.g. "m³". */
  unit: string;
  categories: { label: string /** a second line under the label, e.g. the year */; group?: string }[];
  series: BarSeries[];
  formatValue?: (value: number) => string;
  width?: number;
  height?: number;
  /** Show at most this many category labels (every n-th is shown). */
  maxLabels?: number;
  /** Prefix of the element ids, unique on the page. */
  id?: string;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2, 2.5 or 5 times a power of ten, so the axis reads in round numbers. */
export function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return step;
}

export function renderBarChart(input: BarChartInput): string {
  const id = input.id ?? 'chart';
  const width = input.width ?? 760;
  const height = input.height ?? 300;
  const fmt = input.formatValue ?? ((v: number) => String(v));
  const left = 52;
  const right = 12;
  const top = 40;
  const bottom = 46;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = Math.max(1, input.categories.length);
  const all = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const step = niceStep(Math.max(0, ...all));
  const top_ = Math.max(step, Math.ceil(Math.max(0, ...all) / step) * step);
  const y = (v: number) => top + plotH - (v / top_) * plotH;
  const groupW = plotW / n;
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, input.series.length));
  const labelEvery = Math.max(1, Math.ceil(n / (input.maxLabels ?? 12)));
  const parts: string[] = [];
  const summary = input.series
    .map(
      (s) =>
        `${s.name}: ${s.values.map((v, i) => `${input.categories[i]?.label ?? ''} ${v === null ? '—' : fmt(v)}`).join(', ')}`,
    )
    .join('; ');
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" class="chart" font-family="Arial, Helvetica, sans-serif" font-size="12">`,
    `<title id="${id}-title">${esc(input.title)}</title>`,
    `<desc id="${id}-desc">${esc(summary)}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  // Legend.
  let lx = left;
  for (const s of input.series) {
    parts.push(
      `<rect x="${lx}" y="10" width="14" height="14" fill="${esc(s.color)}"/>`,
      `<text x="${lx + 20}" y="22" fill="#1f2d3d">${esc(s.name)}</text>`,
    );
    lx += 40 + s.name.length * 7.5;
  }
  // Value axis with grid lines.
  for (let v = 0; v <= top_ + 1e-9; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}" stroke="${v === 0 ? '#5b6b7c' : '#dde3ea'}" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#5b6b7c">${esc(fmt(Number(v.toFixed(6))))}</text>`,
    );
  }
  parts.push(
    `<text x="12" y="${(top + plotH / 2).toFixed(1)}" transform="rotate(-90 12 ${(top + plotH / 2).toFixed(1)})" text-anchor="middle" fill="#1f2d3d">${esc(input.unit)}</text>`,
  );
  // Bars and category labels.
  input.categories.forEach((c, i) => {
    const gx = left + i * groupW + groupW * 0.1;
    input.series.forEach((s, j) => {
      const v = s.values[i];
      if (v === null || v === undefined) return;
      const h = Math.max(1, y(0) - y(v));
      parts.push(
        `<rect x="${(gx + j * barW).toFixed(1)}" y="${(y(0) - h).toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${esc(s.color)}"><title>${esc(`${c.label}${c.group ? ` ${c.group}` : ''}, ${s.name}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    const cx = (left + (i + 0.5) * groupW).toFixed(1);
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${cx}" y="${top + plotH + 16}" text-anchor="middle" fill="#1f2d3d">${esc(c.label)}</text>`,
      );
    }
    // A group's caption goes under its first category; the chart's first one only when the next
    // group starts far enough away not to collide with it.
    const nextChange = input.categories.findIndex((x, k) => k > i && x.group !== c.group);
    const startsGroup =
      i === 0 ? nextChange === -1 || nextChange > 2 : input.categories[i - 1]?.group !== c.group;
    if (c.group && startsGroup) {
      parts.push(
        `<text x="${cx}" y="${top + plotH + 34}" text-anchor="middle" fill="#5b6b7c" font-weight="bold">${esc(c.group)}</text>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
