import type { ComponentChildren } from 'preact';

export type FieldErrors = Partial<Record<string, string>>;

export interface FieldProps {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'password' | 'email' | 'number' | 'tel' | 'date';
  autocomplete?: string;
  inputMode?: 'numeric' | 'decimal' | 'text' | 'email';
  required?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  pattern?: string;
  placeholder?: string;
}

/**
 * A labelled input that keeps what the user typed and shows its error next to it.
 * Passwords are never echoed back.
 */
export function Field(props: FieldProps) {
  const id = `f-${props.name}`;
  const describedBy = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="req"> *</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.type === 'password' ? '' : (props.value ?? '')}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        required={props.required}
        readOnly={props.readOnly}
        maxLength={props.maxLength}
        pattern={props.pattern}
        placeholder={props.placeholder}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The fields of one form bound to what was typed and to the messages, so each field is named once:
 * `const field = boundFields(view, errors); field('login', t.login, { maxLength: 64 })`.
 */
export function boundFields(values: object, errors: FieldErrors) {
  const typed = values as Record<string, unknown>;
  return (name: string, label: string, props: Omit<FieldProps, 'name' | 'label'> = {}) => (
    <Field
      name={name}
      label={label}
      value={typeof typed[name] === 'string' ? (typed[name] as string) : undefined}
      error={errors[name]}
      {...props}
    />
  );
}

export function Form({
  action,
  csrfToken,
  children,
  method = 'post',
  id,
  class: className,
}: {
  action: string;
  csrfToken: string;
  children: ComponentChildren;
  method?: 'post' | 'get';
  id?: string;
  class?: string;
}) {
  return (
    <form method={method} action={action} id={id} class={className ?? 'form'} noValidate>
      {method === 'post' ? <input type="hidden" name="_csrf" value={csrfToken} /> : null}
      {children}
    </form>
  );
}

/**
 * A date as a date input sends it (YYYY-MM-DD) that exists in the calendar, years 1900 to 2999:
 * `2026-02-30` and `0000-00-00` are not dates, and would fail later as an invalid Date or in the
 * database.
 */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1900 || year > 2999) return false;
  const date = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === s;
}

/** The largest value of a PostgreSQL integer column (ids, counts). */
export const MAX_INT4 = 2_147_483_647;

/**
 * A whole number from 1 to `max` (a database id by default) typed as digits, or null: `1e309`,
 * `0x1F`, `-1`, `1.5` and numbers past the column's range are not ids.
 */
export function positiveInt(value: unknown, max = MAX_INT4): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^[0-9]{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
}
