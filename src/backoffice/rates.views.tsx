import type { ComponentChildren } from 'preact';
import { formatDate, type Locale } from '../i18n/locales';
import { formatM3 } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { Field, Form } from '../web/forms';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { BackofficeLayout } from './layout';
import type { RateDraft, RateForm as RateFormName } from './rates';
import { type RatesText, ratesText } from './rates.messages';
import type { RatesOverview } from './rates.queries';

/** A rate form sent back: which form, what was typed, the message per field. */
export interface RateFormState {
  form: RateFormName;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}

/** The messages of a refused rate form, in the user's language. */
export function rateFormState(
  locale: Locale,
  draft: RateDraft,
  problems: RateDraft['problems'],
  firstOpen: string | null,
): RateFormState {
  const e = ratesText[locale].errors;
  const errors: RateFormState['errors'] = {};
  for (const [name, problem] of Object.entries(problems))
    errors[name] = !problem
      ? undefined
      : problem === 'closed'
        ? `${e.closed}${formatDate(firstOpen)}`
        : e[problem];
  return { form: draft.form, values: draft.values, errors };
}

function Select(props: {
  name: string;
  label: string;
  options: [string, string][];
  value?: string | undefined;
  error?: string | undefined;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === props.value}>
            {l}
          </option>
        ))}
      </select>
      {props.error ? <p class="error">{props.error}</p> : null}
    </div>
  );
}

/** A table of rates, newest first, one column per label. */
function RateTable<R>(props: {
  id: string;
  rows: R[];
  columns: [label: string, cell: (r: R) => string, numeric?: boolean][];
}) {
  return (
    <div class="table-wrap">
      <table class="data" id={props.id}>
        <thead>
          <tr>
            {props.columns.map(([label, , numeric]) => (
              <th key={label} class={numeric ? 'num' : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {props.columns.map(([label, cell, numeric]) => (
                <td key={label} class={numeric ? 'num' : undefined}>
                  {cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The forms' fields: what was typed in the form sent back (or the default), and its message. */
class RateFields {
  constructor(
    private readonly state: RateFormState | undefined,
    private readonly defaultDate: string,
  ) {}

  value(form: RateFormName, name: string, fallback = ''): string {
    return this.state?.form === form ? (this.state.values[name] ?? fallback) : fallback;
  }

  input(
    form: RateFormName,
    name: string,
    label: string,
    extra: Omit<Parameters<typeof Field>[0], 'name' | 'label'> = {},
  ) {
    return (
      <Field
        name={name}
        label={label}
        value={this.value(form, name, name === 'effective_from' ? this.defaultDate : '')}
        error={this.state?.form === form ? this.state.errors[name] : undefined}
        {...extra}
      />
    );
  }
}

interface SectionProps {
  t: RatesText;
  csrfToken: string;
  fields: RateFields;
  overview: RatesOverview;
}

/** A form that adds a rate: its own fields, the effective date, the Add button. */
function RateForm(props: SectionProps & { form: RateFormName; children: ComponentChildren }) {
  return (
    <Form action={`/backoffice/rates/${props.form}`} csrfToken={props.csrfToken} id={`${props.form}-form`}>
      {props.children}
      {props.fields.input(props.form, 'effective_from', props.t.from, { type: 'date', required: true })}
      <button type="submit" class="primary">
        {props.t.add}
      </button>
    </Form>
  );
}

function TariffSection(props: SectionProps) {
  const { t, fields } = props;
  return (
    <>
      <h2>{t.tariffs}</h2>
      <RateForm {...props} form="tariff">
        <Select
          name="service"
          label={t.service}
          value={fields.value('tariff', 'service')}
          options={[
            ['cold_water', t.services.cold_water],
            ['sewage', t.services.sewage],
          ]}
        />
        <Select
          name="customer_kind"
          label={t.kind}
          value={fields.value('tariff', 'customer_kind')}
          options={[
            ['individual', t.kinds.individual],
            ['legal', t.kinds.legal],
          ]}
        />
        {fields.input('tariff', 'price', t.price, { inputMode: 'decimal', required: true, maxLength: 16 })}
      </RateForm>
      <RateTable
        id="tariffs"
        rows={props.overview.tariffs}
        columns={[
          [t.from, (r) => formatDate(r.effective_from)],
          [t.kind, (r) => t.kinds[r.customer_kind]],
          [t.service, (r) => t.services[r.service]],
          [t.price, (r) => formatTiyn(r.price_tiyn_per_m3), true],
        ]}
      />
    </>
  );
}

function VatSection(props: SectionProps) {
  const { t, fields } = props;
  return (
    <>
      <h2>{t.vat}</h2>
      <RateForm {...props} form="vat">
        {fields.input('vat', 'rate', t.rate, { inputMode: 'decimal', required: true, maxLength: 8 })}
      </RateForm>
      <RateTable
        id="vat"
        rows={props.overview.vat}
        columns={[
          [t.from, (r) => formatDate(r.effective_from)],
          [t.rate, (r) => (r.rate_bp / 100).toString(), true],
        ]}
      />
    </>
  );
}

function NormSection(props: SectionProps) {
  const { t, fields } = props;
  return (
    <>
      <h2>{t.norms}</h2>
      <RateForm {...props} form="norm">
        <Select
          name="kind"
          label={t.normKind}
          value={fields.value('norm', 'kind')}
          options={Object.entries(t.normKinds) as [string, string][]}
        />
        {fields.input('norm', 'volume', t.volume, { inputMode: 'decimal', required: true, maxLength: 12 })}
        {fields.input('norm', 'season_from', t.seasonFrom, { inputMode: 'numeric', maxLength: 2 })}
        {fields.input('norm', 'season_to', t.seasonTo, { inputMode: 'numeric', maxLength: 2 })}
      </RateForm>
      <RateTable
        id="norms"
        rows={props.overview.norms}
        columns={[
          [t.from, (r) => formatDate(r.effective_from)],
          [t.normKind, (r) => t.normKinds[r.kind]],
          [t.volume, (r) => formatM3(r.litres), true],
          [t.season, (r) => (r.season_from_month ? `${r.season_from_month}–${r.season_to_month ?? ''}` : '')],
        ]}
      />
    </>
  );
}

/** The rates page: the three tables, each with its form; a refused form shows its messages. */
export function RatesPage(props: {
  ctx: PageContext;
  overview: RatesOverview;
  state?: RateFormState | undefined;
  saved: boolean;
}) {
  const { ctx, overview } = props;
  const t = ratesText[ctx.locale];
  const section: SectionProps = {
    t,
    csrfToken: ctx.csrfToken,
    fields: new RateFields(props.state, overview.firstOpen ?? ''),
    overview,
  };
  return (
    <BackofficeLayout ctx={ctx} title={t.title}>
      {props.saved ? <Notice kind="success">{t.saved}</Notice> : null}
      <p>{t.intro}</p>
      {overview.firstOpen ? (
        <p>
          {t.firstOpen} <strong id="first-open">{formatDate(overview.firstOpen)}</strong>
        </p>
      ) : null}

      <TariffSection {...section} />
      <VatSection {...section} />
      <NormSection {...section} />
    </BackofficeLayout>
  );
}
