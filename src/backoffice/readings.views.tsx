import { formatAddress } from '../accounts/accounts.queries';
import { formatDate, formatDateTime, formatPeriod, type Locale } from '../i18n/locales';
import { formatM3, formatMeterReading } from '../money/litres';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import type { Reason } from './flag-reasons';
import { BackofficeLayout } from './layout';
import { reviewText } from './readings.messages';
import type { FlaggedReading } from './readings.queries';

type Text = (typeof reviewText)[Locale];

/** What the queue page was asked to show: the outcome of the last decision, or a reading's refused form. */
export interface QueueNotices {
  done?: string | undefined;
  error?: string | undefined;
  id?: string | undefined;
  note?: string | undefined;
}

/** The queue of flagged readings, one card each with the accept/reject form. */
export function ReviewQueuePage({
  ctx,
  rows,
  reasonsOf,
  query,
}: {
  ctx: PageContext;
  rows: FlaggedReading[];
  reasonsOf: (row: FlaggedReading) => Reason[];
  query: QueueNotices;
}) {
  const t = reviewText[ctx.locale];
  const errorId = Number(query.id ?? 0);
  const notice =
    query.done === 'accepted'
      ? t.accepted
      : query.done === 'rejected'
        ? t.rejected
        : query.done === 'already'
          ? t.already
          : null;
  return (
    <BackofficeLayout ctx={ctx} title={t.title}>
      {notice ? <Notice kind={query.done === 'already' ? 'warning' : 'success'}>{notice}</Notice> : null}
      <p>{t.intro}</p>
      {rows.length === 0 ? <p id="queue-empty">{t.empty}</p> : null}
      <div class="cards" id="queue">
        {rows.map((r) => (
          <ReadingReviewCard
            key={r.id}
            t={t}
            locale={ctx.locale}
            csrf={ctx.csrfToken}
            r={r}
            reasons={reasonsOf(r)}
            refusedNote={errorId === r.id && query.error === 'reason' ? (query.note ?? '') : null}
          />
        ))}
      </div>
    </BackofficeLayout>
  );
}

/** One flagged reading; `refusedNote` is what was typed when a rejection without a reason came back. */
function ReadingReviewCard({
  t,
  locale,
  csrf,
  r,
  reasons,
  refusedNote,
}: {
  t: Text;
  locale: Locale;
  csrf: string;
  r: FlaggedReading;
  reasons: Reason[];
  refusedNote: string | null;
}) {
  const hasError = refusedNote !== null;
  return (
    <article id={`reading-${r.id}`}>
      <h2>
        <a href={`/backoffice/accounts/${r.number}`}>{r.number}</a> — {formatAddress(r)}
      </h2>
      {r.superseded ? <Notice kind="info">{t.superseded}</Notice> : null}
      <ReadingFacts t={t} locale={locale} r={r} reasons={reasons} />
      <form method="post" action={`/backoffice/readings/${r.id}`} class="form">
        <input type="hidden" name="_csrf" value={csrf} />
        <div class={hasError ? 'field has-error' : 'field'}>
          <label for={`note-${r.id}`}>{t.note}</label>
          <textarea
            id={`note-${r.id}`}
            name="note"
            maxLength={500}
            aria-invalid={hasError ? 'true' : undefined}
          >
            {hasError ? refusedNote : ''}
          </textarea>
          {hasError ? <p class="error">{t.needReason}</p> : null}
        </div>
        <div class="actions">
          <button type="submit" name="decision" value="accept" class="primary">
            {t.accept}
          </button>
          <button type="submit" name="decision" value="reject">
            {t.reject}
          </button>
        </div>
      </form>
    </article>
  );
}

function ReadingFacts({
  t,
  locale,
  r,
  reasons,
}: {
  t: Text;
  locale: Locale;
  r: FlaggedReading;
  reasons: Reason[];
}) {
  return (
    <dl class="facts">
      <div>
        <dt>{t.meter}</dt>
        <dd>
          {r.serial} ({t.water[r.water]})
        </dd>
      </div>
      <div>
        <dt>{t.period}</dt>
        <dd>{formatPeriod(locale, r.period)}</dd>
      </div>
      <div>
        <dt>{t.previous}</dt>
        <dd>{r.prev_l === null ? '—' : formatMeterReading(r.prev_l)}</dd>
      </div>
      <div>
        <dt>{t.value}</dt>
        <dd>
          {formatMeterReading(r.value_l)} ({formatDate(r.read_on)})
        </dd>
      </div>
      <div>
        <dt>{t.consumption}</dt>
        <dd>{r.prev_l === null ? '—' : formatM3(r.value_l - r.prev_l)}</dd>
      </div>
      <div>
        <dt>{t.reasons}</dt>
        <dd class="reasons">{reasons.map((x) => t.reason[x]).join('; ')}</dd>
      </div>
      <div>
        <dt>{t.submitted}</dt>
        <dd>{formatDateTime(r.submitted_at)}</dd>
      </div>
    </dl>
  );
}
