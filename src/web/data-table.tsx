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
    <div class="table-wrap" tabIndex={0}>
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
    </div>
  );
}
