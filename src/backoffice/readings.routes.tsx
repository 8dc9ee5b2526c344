import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { formatAddress } from '../accounts/accounts.queries';
import type { AppDeps } from '../app-deps';
import { shareMonth } from '../billing/month-lock';
import { defineMessages, formatDate, formatDateTime, formatPeriod } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { formatM3, formatMeterReading } from '../money/litres';
import { field, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';

const text = defineMessages({
  kk: {
    title: 'Көрсеткіштерді тексеру',
    intro:
      'Тексеруге белгіленген көрсеткіштер: үлкен шығын, есептегіштің нөлден өтуі, тексеру мерзімі өткен.',
    empty: 'Тексеруді күтетін көрсеткіш жоқ.',
    account: 'Шот',
    meter: 'Есептегіш',
    period: 'Ай',
    previous: 'Алдыңғы',
    value: 'Жаңа көрсеткіш',
    consumption: 'Шығын, м³',
    reasons: 'Себебі',
    reason: {
      large: 'үлкен шығын',
      rollover: 'алдыңғыдан аз (нөлден өту?)',
      verification: 'тексеру мерзімі өтті',
      other: 'басқа',
    },
    submitted: 'Жіберілді',
    water: { cold: 'суық', hot: 'ыстық' },
    superseded: 'Тұтынушы осы айға кейінірек басқа көрсеткіш жіберген.',
    note: 'Түсініктеме (қабылдамағанда міндетті)',
    accept: 'Қабылдау',
    reject: 'Қабылдамау',
    needReason: 'Қабылдамау себебін жазыңыз.',
    accepted: 'Көрсеткіш қабылданды, тұтынушыға хат жіберілді.',
    rejected: 'Көрсеткіш қабылданбады, тұтынушыға хат жіберілді.',
    already: 'Бұл көрсеткіш бұрын қаралған.',
    mailAcceptedSubject: 'Көрсеткіш қабылданды',
    mailRejectedSubject: 'Көрсеткіш қабылданбады',
    mailAccepted: 'Сіздің көрсеткішіңіз тексерілді және қабылданды.',
    mailRejected: 'Сіздің көрсеткішіңіз тексерілді және қабылданбады. Себебі:',
    mailAgain:
      'Дұрыс көрсеткішті жеке кабинетте қайта беріңіз немесе абоненттік бөлімге хабарласыңыз: 70-08-78.',
  },
  ru: {
    title: 'Проверка показаний',
    intro:
      'Показания, отмеченные для проверки: большой расход, переход счётчика через ноль, просроченная поверка.',
    empty: 'Нет показаний, ожидающих проверки.',
    account: 'Счёт',
    meter: 'Счётчик',
    period: 'Месяц',
    previous: 'Предыдущее',
    value: 'Новое показание',
    consumption: 'Расход, м³',
    reasons: 'Причина',
    reason: {
      large: 'большой расход',
      rollover: 'меньше предыдущего (переход через ноль?)',
      verification: 'поверка просрочена',
      other: 'другое',
    },
    submitted: 'Передано',
    water: { cold: 'хол.', hot: 'гор.' },
    superseded: 'Абонент позже передал другое показание за этот месяц.',
    note: 'Комментарий (обязателен при отклонении)',
    accept: 'Принять',
    reject: 'Отклонить',
    needReason: 'Укажите причину отклонения.',
    accepted: 'Показание принято, абоненту отправлено письмо.',
    rejected: 'Показание отклонено, абоненту отправлено письмо.',
    already: 'Это показание уже проверено.',
    mailAcceptedSubject: 'Показание принято',
    mailRejectedSubject: 'Показание отклонено',
    mailAccepted: 'Ваше показание проверено и принято.',
    mailRejected: 'Ваше показание проверено и отклонено. Причина:',
    mailAgain:
      'Передайте правильное показание в личном кабинете или обратитесь в абонентский отдел: 70-08-78.',
  },
  en: {
    title: 'Readings review',
    intro: 'Readings flagged for review: large consumption, meter rollover, verification overdue.',
    empty: 'No readings are waiting for review.',
    account: 'Account',
    meter: 'Meter',
    period: 'Month',
    previous: 'Previous',
    value: 'New reading',
    consumption: 'Consumption, m³',
    reasons: 'Reason',
    reason: {
      large: 'large consumption',
      rollover: 'lower than the previous one (rollover?)',
      verification: 'verification overdue',
      other: 'other',
    },
    submitted: 'Submitted',
    water: { cold: 'cold', hot: 'hot' },
    superseded: 'The customer has since submitted another reading for this month.',
    note: 'Comment (required when rejecting)',
    accept: 'Accept',
    reject: 'Reject',
    needReason: 'Write why the reading is rejected.',
    accepted: 'The reading is accepted; the customer is emailed.',
    rejected: 'The reading is rejected; the customer is emailed.',
    already: 'This reading was already reviewed.',
    mailAcceptedSubject: 'Your meter reading is accepted',
    mailRejectedSubject: 'Your meter reading is rejected',
    mailAccepted: 'Your meter reading was reviewed and accepted.',
    mailRejected: 'Your meter reading was reviewed and rejected. Reason:',
    mailAgain: 'Submit the correct reading in the cabinet or call the subscriber department: 70-08-78.',
  },
});

type Reason = 'large' | 'rollover' | 'verification' | 'other';

/** Why a reading needs a look: derived from the meter's previous accepted reading and its verification date. */
export function flagReasons(
  r: { value_l: number; prev_l: number | null; read_on: string; verification_due: string | null },
  largeLitres: number,
): Reason[] {
  const reasons: Reason[] = [];
  if (r.prev_l !== null && r.value_l < r.prev_l) reasons.push('rollover');
  else if (r.prev_l !== null && r.value_l - r.prev_l > largeLitres) reasons.push('large');
  if (r.verification_due && r.verification_due < r.read_on) reasons.push('verification');
  if (reasons.length === 0) reasons.push('other');
  return reasons;
}

export async function flaggedQueue(db: AppDeps['db']) {
  return db
    .selectFrom('readings')
    .innerJoin('meters', 'meters.id', 'readings.meter_id')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .innerJoin('premises', 'premises.id', 'accounts.premise_id')
    .innerJoin('buildings', 'buildings.id', 'premises.building_id')
    .innerJoin('streets', 'streets.id', 'buildings.street_id')
    .select([
      'readings.id',
      'readings.period',
      'readings.value_l',
      'readings.read_on',
      'readings.submitted_at',
      'meters.serial',
      'meters.water',
      'meters.verification_due',
      'accounts.number',
      'streets.name as street',
      'buildings.number as house',
      'buildings.prefix',
      'premises.apartment',
      sql<
        number | null
      >`(select p.value_l from readings p where p.meter_id = readings.meter_id and p.status = 'accepted'
        and (p.read_on < readings.read_on or (p.read_on = readings.read_on and p.id < readings.id))
        order by p.read_on desc, p.id desc limit 1)`.as('prev_l'),
      // Corrections are new rows: a flagged reading may already be replaced by a later submission.
      sql<boolean>`exists (select 1 from readings n where n.meter_id = readings.meter_id
        and n.period = readings.period and n.id > readings.id)`.as('superseded'),
    ])
    .where('readings.status', '=', 'flagged')
    .orderBy('readings.submitted_at')
    .limit(200)
    .execute();
}

export async function backofficeReadingRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const largeLitres = config.READING_CONFIRM_M3 * 1000;

  app.get<{ Querystring: { done?: string; error?: string; id?: string; note?: string } }>(
    '/backoffice/readings',
    async (req, reply) => {
      const t = text[req.locale];
      const ctx = pageContext(req, reply);
      const rows = await flaggedQueue(db);
      const errorId = Number(req.query.id ?? 0);
      const notice =
        req.query.done === 'accepted'
          ? t.accepted
          : req.query.done === 'rejected'
            ? t.rejected
            : req.query.done === 'already'
              ? t.already
              : null;
      return sendPage(
        reply,
        <BackofficeLayout ctx={ctx} title={t.title}>
          {notice ? (
            <Notice kind={req.query.done === 'already' ? 'warning' : 'success'}>{notice}</Notice>
          ) : null}
          <p>{t.intro}</p>
          {rows.length === 0 ? <p id="queue-empty">{t.empty}</p> : null}
          <div class="cards" id="queue">
            {rows.map((r) => {
              const reasons = flagReasons(r, largeLitres);
              const hasError = errorId === r.id && req.query.error === 'reason';
              return (
                <article key={r.id} id={`reading-${r.id}`}>
                  <h2>
                    <a href={`/backoffice/accounts/${r.number}`}>{r.number}</a> — {formatAddress(r)}
                  </h2>
                  {r.superseded ? <Notice kind="info">{t.superseded}</Notice> : null}
                  <dl class="facts">
                    <div>
                      <dt>{t.meter}</dt>
                      <dd>
                        {r.serial} ({t.water[r.water]})
                      </dd>
                    </div>
                    <div>
                      <dt>{t.period}</dt>
                      <dd>{formatPeriod(req.locale, r.period)}</dd>
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
                  <form method="post" action={`/backoffice/readings/${r.id}`} class="form">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <div class={hasError ? 'field has-error' : 'field'}>
                      <label for={`note-${r.id}`}>{t.note}</label>
                      <textarea
                        id={`note-${r.id}`}
                        name="note"
                        maxLength={500}
                        aria-invalid={hasError ? 'true' : undefined}
                      >
                        {hasError ? (req.query.note ?? '') : ''}
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
            })}
          </div>
        </BackofficeLayout>,
      );
    },
  );

  app.post<{ Params: { id: string } }>('/backoffice/readings/:id', async (req, reply) => {
    const id = positiveInt(req.params.id) ?? Number.NaN;
    const decision = field(req.body, 'decision');
    const note = field(req.body, 'note').slice(0, 500);
    if (!Number.isSafeInteger(id) || (decision !== 'accept' && decision !== 'reject'))
      return reply.callNotFound();
    if (decision === 'reject' && !note) {
      return reply.redirect(`/backoffice/readings?error=reason&id=${id}#reading-${id}`, 303);
    }
    const outcome = await db.transaction().execute(async (tx) => {
      const reading = await tx
        .selectFrom('readings')
        .select('period')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!reading) return 'already' as const;
      // Not while the month is being closed; after it, an accepted reading of a closed month is
      // billed as a recalculation, by the time of this decision (taken after the lock).
      await shareMonth(tx, reading.period);
      const updated = await tx
        .updateTable('readings')
        .set({
          status: decision === 'accept' ? 'accepted' : 'rejected',
          review_note: note || null,
          reviewed_by: req.user?.id ?? null,
          reviewed_at: sql<Date>`clock_timestamp()`,
        })
        .where('id', '=', id)
        .where('status', '=', 'flagged')
        .returning(['id', 'meter_id', 'value_l', 'period', 'read_on'])
        .executeTakeFirst();
      if (!updated) return 'already' as const;
      const meter = await tx
        .selectFrom('meters')
        .innerJoin('accounts', 'accounts.id', 'meters.account_id')
        .select(['meters.serial', 'accounts.id as accountId', 'accounts.number'])
        .where('meters.id', '=', updated.meter_id)
        .executeTakeFirstOrThrow();
      const customers = await tx
        .selectFrom('users')
        .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
        .select(['users.id', 'users.email', 'users.locale'])
        .where('user_accounts.account_id', '=', meter.accountId)
        .where('users.email', 'is not', null)
        .execute();
      for (const c of customers) {
        const m = text[c.locale];
        const lines = [
          decision === 'accept' ? m.mailAccepted : `${m.mailRejected} ${note}`,
          '',
          `${m.account}: ${meter.number}`,
          `${m.meter}: ${meter.serial}`,
          `${m.period}: ${formatPeriod(c.locale, updated.period)}`,
          `${m.value}: ${formatMeterReading(updated.value_l)} (${formatDate(updated.read_on)})`,
        ];
        if (decision === 'accept' && note) lines.push('', note);
        if (decision === 'reject') lines.push('', m.mailAgain);
        await enqueueMail(tx, {
          to: c.email ?? '',
          subject: decision === 'accept' ? m.mailAcceptedSubject : m.mailRejectedSubject,
          text: `${lines.join('\n')}\n`,
          purpose: `reading.${decision === 'accept' ? 'accepted' : 'rejected'}`,
          dedupeKey: `reading-review:${updated.id}:${c.id}`,
        });
      }
      await staffAudit(tx, req, `reading.${decision}`, meter.number, {
        readingId: updated.id,
        serial: meter.serial,
        value: formatMeterReading(updated.value_l),
        note,
      });
      return decision === 'accept' ? ('accepted' as const) : ('rejected' as const);
    });
    return reply.redirect(`/backoffice/readings?done=${outcome}`, 303);
  });
}
