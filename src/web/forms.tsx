import type { ComponentChildren } from 'preact';
import { isCalendarDay } from '../calendar/calendar';

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
  return year >= 1900 && year <= 2999 && isCalendarDay(s);
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

/**
 * The field where a signed-in user types the current password to confirm a change (email,
 * password, a new API token): never echoed back, told to password managers as the current one.
 */
export function CurrentPasswordField(props: { label: string; hint?: string; error?: string | undefined }) {
  return (
    <Field
      name="current"
      type="password"
      autocomplete="current-password"
      maxLength={200}
      required
      {...props}
    />
  );
}

/** The form's main button. */
export function SubmitButton({ children }: { children: ComponentChildren }) {
  return (
    <button type="submit" class="primary">
      {children}
    </button>
  );
}

/** A labelled tick box sent as `name=1` when ticked. */
export function CheckboxField(props: { name: string; label: string; checked: boolean | undefined }) {
  return (
    <div class="field checkbox">
      <label>
        <input type="checkbox" name={props.name} value="1" checked={props.checked} /> {props.label}
      </label>
    </div>
  );
}

/** Label–value pairs as a description list (an account's or a document's facts). */
export function Facts({ rows }: { rows: [string, string][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
