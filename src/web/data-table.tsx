import type { ComponentChildren } from 'preact';

/** One column of a `DataTable`: its heading, how a row fills the cell, right-aligned figures with `num`. */
export interface Column<Row> {
  head: ComponentChildren;
  cell: (row: Row) => ComponentChildren;
  num?: boolean;
}

/** The site's data table (`table.data` in a scrolling wrapper): a heading row, then one row per item. */
export function DataTable<Row>({
  id,
  columns,
  rows,
  rowKey,
}: {
  id?: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string | number;
}) {
  return (
    <ScrollBox class="table-wrap">
      <table class="data" id={id}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} class={c.num ? 'num' : undefined}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                <td key={i} class={c.num ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/**
 * A box that scrolls sideways when what it holds (a table, a chart) is wider than the screen. It
 * takes the keyboard's focus, so that the arrow keys scroll it (WCAG 2.1.1); `html` is markup
 * rendered elsewhere (a chart's SVG).
 */
export function ScrollBox({
  class: className,
  children,
  html,
}: {
  class: string;
  children?: ComponentChildren;
  html?: string;
}) {
  const inside = html === undefined ? { children } : { dangerouslySetInnerHTML: { __html: html } };
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box the keyboard cannot reach cannot be scrolled without a mouse
    <div class={className} tabIndex={0} {...inside} />
  );
}
