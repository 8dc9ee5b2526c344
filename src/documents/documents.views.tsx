import type { ComponentChildren } from 'preact';
import { type Locale, MONTHS } from '../i18n/locales';
import { ScrollBox } from '../web/data-table';
import { Facts, SubmitButton } from '../web/forms';
import { Notice } from '../web/layout';
import type { DocTable, InvoiceDocument, StatementDocument } from './document-model';
import { documentsText } from './documents.text';

export function DocTableView({ table, caption }: { table: DocTable; caption?: string | undefined }) {
  return (
    <ScrollBox class="table-wrap">
      <table class="data doc-table">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.label} scope="col" class={c.num ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => {
            // A label row (only the first and the last cells filled) spans the empty columns.
            const filled = row.cells.map((c, i) => (c !== '' ? i : -1)).filter((i) => i >= 0);
            const spans = filled.length <= 2 && filled[0] === 0 && (filled[1] ?? 0) > 1;
            return (
              <tr key={r} class={row.kind ?? undefined}>
                {spans ? (
                  <>
                    <td colSpan={filled[1] ?? row.cells.length} class="row-label">
                      {row.cells[0]}
                    </td>
                    <td class="num" data-label={table.columns[filled[1] ?? 0]?.label}>
                      {row.cells[filled[1] ?? 0]}
                    </td>
                    {row.cells.slice((filled[1] ?? 0) + 1).map((c, i) => {
                      const column = table.columns[(filled[1] ?? 0) + 1 + i];
                      return (
                        <td key={i} class={column?.num ? 'num' : undefined} data-label={column?.label}>
                          {c}
                        </td>
                      );
                    })}
                  </>
                ) : (
                  row.cells.map((c, i) => (
                    <td
                      key={i}
                      class={i === 0 ? 'row-label' : table.columns[i]?.num ? 'num' : undefined}
                      data-label={i === 0 ? undefined : table.columns[i]?.label}
                    >
                      {c}
                    </td>
                  ))
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/** When the figures were taken: "data as of" and the period's closing. */
function Dates({ lines }: { lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <p class="doc-dates hint">
      {lines.map((line, i) => (
        <span key={line}>
          {i > 0 ? <br /> : null}
          {line}
        </span>
      ))}
    </p>
  );
}

export function InvoiceView({ doc, children }: { doc: InvoiceDocument; children?: ComponentChildren }) {
  return (
    <article class="money-doc">
      <h2>{doc.tariffs.heading}</h2>
      <DocTableView table={doc.tariffs} />
      <h2>{doc.title}</h2>
      <Facts rows={doc.facts} />
      <Dates lines={doc.dates} />
      {doc.volumes.rows.length > 0 ? (
        <>
          <h2>{doc.volumes.heading}</h2>
          <DocTableView table={doc.volumes} />
        </>
      ) : null}
      <h2>{doc.bill.heading}</h2>
      <DocTableView table={doc.bill} />
      {doc.normNotes.length > 0 ? (
        <ul class="norm-notes">
          {doc.normNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {doc.footnote ? <p class="footnote">{doc.footnote}</p> : null}
      {doc.penaltyNote ? <p class="footnote">{doc.penaltyNote}</p> : null}
      <p class="to-pay">{doc.toPay}</p>
      {doc.toPayNote ? <p class="hint">{doc.toPayNote}</p> : null}
      <section class="payment-details">
        <h2>{doc.payment.heading}</h2>
        <Facts rows={doc.payment.rows} />
        <p class="hint">{doc.payment.note}</p>
      </section>
      <Notice kind="info">{doc.reminder}</Notice>
      <p class="contacts">{doc.contacts}</p>
      {children}
    </article>
  );
}

export function StatementView({ doc }: { doc: StatementDocument }) {
  return (
    <article class="money-doc">
      <h2>{doc.title}</h2>
      <Facts rows={doc.facts} />
      <Dates lines={doc.dates} />
      <DocTableView table={doc.table} />
      {doc.recalculationNotes.length > 0 ? (
        <>
          <h3>{doc.recalculationsHeading}</h3>
          <ul class="recalculation-notes">
            {doc.recalculationNotes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

function MonthYear({
  locale,
  prefix,
  legend,
  value,
  years,
  error,
}: {
  locale: Locale;
  prefix: string;
  legend: string;
  value: { month: string; year: string };
  years: number[];
  error?: string | null | undefined;
}) {
  const t = documentsText[locale];
  const { month, year } = value;
  const id = `f-${prefix}period`;
  return (
    <fieldset
      class={error ? 'field month-year has-error' : 'field month-year'}
      data-month-picker={prefix || 'period'}
      data-months={MONTHS[locale].short.join(',')}
      data-pick={t.monthPicker}
      data-prev={t.prevYear}
      data-next={t.nextYear}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      <div class="month-year-selects">
        <label>
          <span class="visually-hidden">{t.month}</span>
          <select
            name={`${prefix}month`}
            aria-label={`${legend}: ${t.month}`}
            aria-invalid={error ? 'true' : undefined}
          >
            {MONTHS[locale].long.map((name, i) => (
              <option key={name} value={String(i + 1)} selected={month === String(i + 1)}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">{t.year}</span>
          <select
            name={`${prefix}year`}
            aria-label={`${legend}: ${t.year}`}
            aria-invalid={error ? 'true' : undefined}
          >
            {years.map((y) => (
              <option key={y} value={String(y)} selected={year === String(y)}>
                {y}
              </option>
            ))}
            {year && !years.includes(Number(year)) ? (
              <option value={year} selected>
                {year}
              </option>
            ) : null}
          </select>
        </label>
      </div>
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A GET form that picks a month or a range, carrying the fields the page's address holds. */
function PeriodForm({
  action,
  hidden = {},
  children,
}: {
  action: string;
  hidden: Record<string, string> | undefined;
  children: ComponentChildren;
}) {
  return (
    <form method="get" action={action} class="period-form" noValidate>
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
    </form>
  );
}

export function PeriodSelector(props: {
  locale: Locale;
  action: string;
  value: { month: string; year: string };
  years: number[];
  error?: string | null | undefined;
  hidden?: Record<string, string>;
}) {
  const t = documentsText[props.locale];
  return (
    <PeriodForm action={props.action} hidden={props.hidden}>
      <MonthYear
        locale={props.locale}
        prefix=""
        legend={`${t.month}, ${t.year.toLowerCase()}`}
        value={props.value}
        years={props.years}
        error={props.error}
      />
      <SubmitButton>{t.showBreakdown}</SubmitButton>
    </PeriodForm>
  );
}

export function RangeSelector(props: {
  locale: Locale;
  action: string;
  from: { month: string; year: string };
  to: { month: string; year: string };
  years: number[];
  fromError?: string | null | undefined;
  toError?: string | null | undefined;
  /** Fields the range travels with (the account the page is about, when its address names one). */
  hidden?: Record<string, string>;
}) {
  const t = documentsText[props.locale];
  const ends = [
    { prefix: 'from_', legend: t.from, value: props.from, error: props.fromError },
    { prefix: 'to_', legend: t.to, value: props.to, error: props.toError },
  ];
  return (
    <PeriodForm action={props.action} hidden={props.hidden}>
      {ends.map((end) => (
        <MonthYear key={end.prefix} locale={props.locale} years={props.years} {...end} />
      ))}
      <SubmitButton>{t.getData}</SubmitButton>
    </PeriodForm>
  );
}

/** A POST button (email, subscription) that works without JavaScript. */
export function PostButton({
  action,
  csrfToken,
  label,
  fields = {},
  primary = false,
}: {
  action: string;
  csrfToken: string;
  label: string;
  fields?: Record<string, string>;
  primary?: boolean;
}) {
  return (
    <form method="post" action={action} class="inline">
      <input type="hidden" name="_csrf" value={csrfToken} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={primary ? 'primary' : undefined}>
        {label}
      </button>
    </form>
  );
}
