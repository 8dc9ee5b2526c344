import { nText } from '../public/notes.messages';
import { NoteCard } from '../public/notes.routes';
import { Field, Form, SubmitButton } from '../web/forms';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { BackofficeLayout } from './layout';
import type { NoteField, NoteProblem, NoteValues } from './notes';
import type { NoteView } from './notes.queries';

type NotesText = (typeof nText)['kk'];

/** The note form sent back: what was typed, and the message per field. */
export interface NoteFormState {
  values: NoteValues;
  errors: Partial<Record<NoteField, string>>;
}

/** The messages of a refused note form, in the user's language. */
export function noteFormState(
  t: NotesText,
  values: NoteValues,
  problems: Partial<Record<NoteField, NoteProblem>>,
): NoteFormState {
  const errors: NoteFormState['errors'] = {};
  for (const [name, problem] of Object.entries(problems) as [NoteField, NoteProblem][])
    errors[name] = t[problem];
  return { values, errors };
}

function StreetChoice(props: {
  t: NotesText;
  streets: { id: number; name: string }[];
  form?: NoteFormState;
}) {
  const chosen = props.form?.values.streets ?? [];
  const error = props.form?.errors.streets;
  return (
    <fieldset class={error ? 'field has-error' : 'field'}>
      <legend>{props.t.chooseStreets}</legend>
      <div class="street-list">
        {props.streets.map((s) => (
          <label key={s.id} style={undefined}>
            <input type="checkbox" name="street" value={String(s.id)} checked={chosen.includes(s.id)} />{' '}
            {s.name}
            <br />
          </label>
        ))}
      </div>
      {error ? <p class="error">{error}</p> : null}
    </fieldset>
  );
}

function NoteForm(props: {
  t: NotesText;
  csrfToken: string;
  streets: { id: number; name: string }[];
  form?: NoteFormState | undefined;
}) {
  const { t } = props;
  const v = props.form?.values ?? { title: '', body: '', starts_on: '', ends_on: '', streets: [] };
  const e = props.form?.errors ?? {};
  return (
    <Form action="/backoffice/notes" csrfToken={props.csrfToken} class="form wide-form" id="note-form">
      <Field name="title" label={t.noteTitle} value={v.title} error={e.title} required maxLength={200} />
      <div class={e.body ? 'field has-error' : 'field'}>
        <label for="f-body">
          {t.body}
          <span class="req"> *</span>
        </label>
        <textarea id="f-body" name="body" maxLength={4000} rows={6} required>
          {v.body}
        </textarea>
        {e.body ? <p class="error">{e.body}</p> : null}
      </div>
      <Field
        name="starts_on"
        type="date"
        label={t.startsOn}
        value={v.starts_on}
        error={e.starts_on}
        required
      />
      <Field name="ends_on" type="date" label={t.endsOn} value={v.ends_on} error={e.ends_on} required />
      <StreetChoice t={t} streets={props.streets} {...(props.form ? { form: props.form } : {})} />
      <SubmitButton>{t.publish}</SubmitButton>
    </Form>
  );
}

/** The announcements page: the form of a new note, then the latest notes. */
export function NotesPage(props: {
  ctx: PageContext;
  streets: { id: number; name: string }[];
  notes: NoteView[];
  form?: NoteFormState | undefined;
  /** How many were mailed, after a note was posted. */
  posted?: string | undefined;
}) {
  const { ctx } = props;
  const t = nText[ctx.locale];
  return (
    <BackofficeLayout ctx={ctx} title={t.manage}>
      {props.posted !== undefined ? (
        <Notice kind="success">
          {t.posted} <span id="mailed">{props.posted}</span>
        </Notice>
      ) : null}
      <h2>{t.newNote}</h2>
      <NoteForm t={t} csrfToken={ctx.csrfToken} streets={props.streets} form={props.form} />
      <div class="cards">
        {props.notes.map((n) => (
          <NoteCard key={n.id} note={n} locale={ctx.locale} />
        ))}
      </div>
    </BackofficeLayout>
  );
}
