import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { findAccountByNumber, formatAddress } from '../accounts/accounts.queries';
import type { AppDeps } from '../app-deps';
import { defineMessages, formatDate, formatDateTime, formatPeriod } from '../i18n/locales';
import { formatMeterReading } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { actionLimit, waitMessage } from '../web/action-limit';
import { Field, Form, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';
import { sendUserLink } from './mail-links';

export const accText = defineMessages({
  kk: {
    title: 'Дербес шоттар',
    query: 'Шот нөмірі, мекенжай немесе тегі',
    queryHint: 'Мысалы: 02015213, «Красина 3», «Иванов»',
    find: 'Іздеу',
    noMatch: 'Ештеңе табылмады.',
    tooShort: 'Кемінде 2 таңба енгізіңіз.',
    number: 'Шот',
    owner: 'Иесі',
    address: 'Мекенжайы',
    kind: 'Түрі',
    individual: 'жеке тұлға',
    legal: 'заңды тұлға',
    residents: 'Тұрғындар саны',
    irrigation: 'Суару алаңы, м²',
    contract: 'Шарт №',
    binIin: 'ЖСН / БСН',
    readOnly: 'Тұтынушы көретін деректер (тек оқу үшін).',
    meters: 'Есептегіштер',
    input: 'Енгізу №',
    location: 'Орны',
    water: 'Су',
    cold: 'суық',
    hot: 'ыстық',
    serial: 'Нөмірі',
    verification: 'Тексеру күні',
    removed: 'алынды',
    readings: 'Көрсеткіштер тарихы',
    period: 'Ай',
    value: 'Көрсеткіш',
    readOn: 'Күні',
    source: 'Көзі',
    status: 'Күйі',
    submitted: 'Жіберілді',
    statuses: { accepted: 'қабылданды', flagged: 'тексеруде', rejected: 'қабылданбады' },
    balances: 'Есеп айырысу (соңғы 12 ай)',
    opening: 'Ай басындағы сальдо',
    charged: 'Есептелді',
    paid: 'Төленді',
    closing: 'Ай соңындағы сальдо',
    users: 'Кабинет пайдаланушысы',
    noUsers: 'Бұл шотқа кабинет тіркелмеген.',
    login: 'Логин',
    email: 'Email',
    confirmed: 'Расталды',
    notConfirmed: 'расталмаған',
    locked: 'Бұғатталған',
    until: 'дейін',
    no: 'жоқ',
    failed: 'Сәтсіз кірулер',
    resend: 'Растау хатын қайта жіберу',
    unlock: 'Бұғаттан шығару',
    reset: 'Құпия сөзді қалпына келтіру сілтемесін жіберу',
    noEmail: 'Пайдаланушының email мекенжайы жоқ.',
    done: {
      resend: 'Растау хаты жіберу кезегіне қойылды.',
      unlock: 'Пайдаланушы бұғаттан шығарылды.',
      reset: 'Құпия сөзді өзгерту сілтемесі жіберу кезегіне қойылды.',
    },
    back: 'Іздеуге оралу',
  },
  ru: {
    title: 'Лицевые счета',
    query: 'Номер счёта, адрес или фамилия',
    queryHint: 'Например: 02015213, «Красина 3», «Иванов»',
    find: 'Найти',
    noMatch: 'Ничего не найдено.',
    tooShort: 'Введите не менее 2 символов.',
    number: 'Счёт',
    owner: 'Владелец',
    address: 'Адрес',
    kind: 'Тип',
    individual: 'физическое лицо',
    legal: 'юридическое лицо',
    residents: 'Количество проживающих',
    irrigation: 'Площадь полива, м²',
    contract: 'Договор №',
    binIin: 'ИИН / БИН',
    readOnly: 'Данные, которые видит абонент (только просмотр).',
    meters: 'Приборы учёта',
    input: 'Ввод №',
    location: 'Место',
    water: 'Вода',
    cold: 'хол.',
    hot: 'гор.',
    serial: 'Номер',
    verification: 'Дата поверки',
    removed: 'снят',
    readings: 'История показаний',
    period: 'Месяц',
    value: 'Показание',
    readOn: 'Дата',
    source: 'Источник',
    status: 'Статус',
    submitted: 'Передано',
    statuses: { accepted: 'принято', flagged: 'на проверке', rejected: 'отклонено' },
    balances: 'Взаиморасчёты (последние 12 месяцев)',
    opening: 'Сальдо на начало',
    charged: 'Начислено',
    paid: 'Оплачено',
    closing: 'Сальдо на конец',
    users: 'Пользователь кабинета',
    noUsers: 'К этому счёту кабинет не зарегистрирован.',
    login: 'Логин',
    email: 'Email',
    confirmed: 'Подтверждён',
    notConfirmed: 'не подтверждён',
    locked: 'Заблокирован',
    until: 'до',
    no: 'нет',
    failed: 'Неудачных входов',
    resend: 'Отправить письмо подтверждения ещё раз',
    unlock: 'Разблокировать',
    reset: 'Отправить ссылку для смены пароля',
    noEmail: 'У пользователя нет адреса email.',
    done: {
      resend: 'Письмо подтверждения поставлено в очередь отправки.',
      unlock: 'Пользователь разблокирован.',
      reset: 'Ссылка для смены пароля поставлена в очередь отправки.',
    },
    back: 'Вернуться к поиску',
  },
  en: {
    title: 'Accounts',
    query: 'Account number, address or surname',
    queryHint: 'For example: 02015213, "Красина 3", "Иванов"',
    find: 'Search',
    noMatch: 'Nothing found.',
    tooShort: 'Enter at least 2 characters.',
    number: 'Account',
    owner: 'Owner',
    address: 'Address',
    kind: 'Type',
    individual: 'individual',
    legal: 'legal entity',
    residents: 'Residents',
    irrigation: 'Irrigation area, m²',
    contract: 'Contract no.',
    binIin: 'IIN / BIN',
    readOnly: 'What the customer sees (read-only).',
    meters: 'Meters',
    input: 'Input no.',
    location: 'Location',
    water: 'Water',
    cold: 'cold',
    hot: 'hot',
    serial: 'Serial',
    verification: 'Verification due',
    removed: 'removed',
    readings: 'Readings history',
    period: 'Month',
    value: 'Reading',
    readOn: 'Date',
    source: 'Source',
    status: 'Status',
    submitted: 'Submitted',
    statuses: { accepted: 'accepted', flagged: 'under review', rejected: 'rejected' },
    balances: 'Settlements (last 12 months)',
    opening: 'Opening balance',
    charged: 'Charged',
    paid: 'Paid',
    closing: 'Closing balance',
    users: 'Cabinet user',
    noUsers: 'No cabinet user is registered for this account.',
    login: 'Login',
    email: 'Email',
    confirmed: 'Confirmed',
    notConfirmed: 'not confirmed',
    locked: 'Locked',
    until: 'until',
    no: 'no',
    failed: 'Failed logins',
    resend: 'Resend the confirmation email',
    unlock: 'Unlock',
    reset: 'Send a password reset link',
    noEmail: 'The user has no email address.',
    done: {
      resend: 'The confirmation email is queued.',
      unlock: 'The user is unlocked.',
      reset: 'The password reset link is queued.',
    },
    back: 'Back to search',
  },
});

interface Hit {
  number: string;
  ownerName: string;
  street: string;
  house: string;
  prefix: string;
  apartment: string;
}

export async function searchAccounts(db: AppDeps['db'], raw: string): Promise<Hit[]> {
  const q = raw.trim().replace(/\s+/g, ' ');
  const base = db
    .selectFrom('accounts')
    .innerJoin('premises', 'premises.id', 'accounts.premise_id')
    .innerJoin('buildings', 'buildings.id', 'premises.building_id')
    .innerJoin('streets', 'streets.id', 'buildings.street_id')
    .select([
      'accounts.number',
      'accounts.owner_name as ownerName',
      'streets.name as street',
      'buildings.number as house',
      'buildings.prefix',
      'premises.apartment',
    ])
    .orderBy('streets.name')
    .orderBy('accounts.number')
    .limit(50);
  if (/^[0-9]{8}$/.test(q)) return base.where('accounts.number', '=', q).execute();
  const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
  const prefix = `${q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
  return base
    .where((eb) =>
      eb.or([
        eb(sql`lower(accounts.owner_surname)`, 'like', prefix),
        eb(sql`lower(accounts.owner_name)`, 'like', prefix),
        eb('accounts.contract_number', '=', q),
        eb(
          sql`streets.name || ' ' || buildings.number || buildings.prefix || case when premises.apartment = '' then '' else '-' || premises.apartment end`,
          'ilike',
          like,
        ),
        eb(
          sql`streets.name || ', ' || buildings.number || buildings.prefix || case when premises.apartment = '' then '' else '-' || premises.apartment end`,
          'ilike',
          like,
        ),
      ]),
    )
    .execute();
}

export async function backofficeAccountRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  app.get<{ Querystring: { q?: string } }>('/backoffice/accounts', async (req, reply) => {
    const t = accText[req.locale];
    const ctx = pageContext(req, reply);
    const q = (req.query.q ?? '').trim().slice(0, 100);
    const error = q && q.length < 2 ? t.tooShort : undefined;
    const hits = q && !error ? await searchAccounts(db, q) : [];
    if (hits.length === 1 && /^[0-9]{8}$/.test(q)) return reply.redirect(`/backoffice/accounts/${q}`, 303);
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.title}>
        <Form action="/backoffice/accounts" method="get" csrfToken="">
          <Field name="q" label={t.query} hint={t.queryHint} value={q} error={error} maxLength={100} />
          <button type="submit" class="primary">
            {t.find}
          </button>
        </Form>
        {q && !error && hits.length === 0 ? <p>{t.noMatch}</p> : null}
        {hits.length ? (
          <div class="table-wrap">
            <table class="data" id="hits">
              <thead>
                <tr>
                  <th>{t.number}</th>
                  <th>{t.owner}</th>
                  <th>{t.address}</th>
                </tr>
              </thead>
              <tbody>
                {hits.map((h) => (
                  <tr key={h.number}>
                    <td>
                      <a href={`/backoffice/accounts/${h.number}`}>{h.number}</a>
                    </td>
                    <td>{h.ownerName}</td>
                    <td>{formatAddress(h)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </BackofficeLayout>,
    );
  });

  app.get<{ Params: { number: string }; Querystring: { done?: string; err?: string } }>(
    '/backoffice/accounts/:number',
    async (req, reply) => {
      const t = accText[req.locale];
      const ctx = pageContext(req, reply);
      const account = /^[0-9]{8}$/.test(req.params.number)
        ? await findAccountByNumber(db, req.params.number)
        : undefined;
      if (!account) return reply.callNotFound();
      const [meters, readings, months, users] = await Promise.all([
        db
          .selectFrom('meters')
          .selectAll()
          .where('account_id', '=', account.id)
          .orderBy('input_no')
          .orderBy('water')
          .execute(),
        db
          .selectFrom('readings')
          .innerJoin('meters', 'meters.id', 'readings.meter_id')
          .select([
            'readings.id',
            'readings.period',
            'readings.value_l',
            'readings.read_on',
            'readings.source',
            'readings.status',
            'readings.review_note',
            'readings.submitted_at',
            'meters.serial',
          ])
          .where('meters.account_id', '=', account.id)
          .orderBy('readings.read_on', 'desc')
          .orderBy('readings.id', 'desc')
          .limit(36)
          .execute(),
        db
          .selectFrom('account_months')
          .selectAll()
          .where('account_id', '=', account.id)
          .orderBy('period', 'desc')
          .limit(12)
          .execute(),
        db
          .selectFrom('users')
          .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
          .select([
            'users.id',
            'users.login',
            'users.email',
            'users.email_confirmed_at',
            'users.locked_until',
            'users.failed_logins',
          ])
          .where('user_accounts.account_id', '=', account.id)
          .orderBy('users.id')
          .execute(),
      ]);
      const done = req.query.done as keyof typeof t.done | undefined;
      const facts: [string, string][] = [
        [t.number, account.number],
        [t.owner, account.ownerName],
        [t.address, formatAddress(account)],
        [t.kind, account.kind === 'legal' ? t.legal : t.individual],
        [t.residents, String(account.residents)],
        [t.irrigation, account.irrigationAreaM2],
      ];
      if (account.kind === 'legal')
        facts.push([t.contract, account.contractNumber ?? ''], [t.binIin, account.binIin ?? '']);
      const now = Date.now();
      return sendPage(
        reply,
        <BackofficeLayout ctx={ctx} title={`${t.number} ${account.number}`}>
          <p>
            <a href="/backoffice/accounts">{t.back}</a>
          </p>
          {done && t.done[done] ? <Notice kind="success">{t.done[done]}</Notice> : null}
          {req.query.err === 'email' ? <Notice kind="error">{t.noEmail}</Notice> : null}
          {req.query.err?.startsWith('wait-') ? (
            <Notice kind="error">{waitMessage(req.locale, Number(req.query.err.slice(5)) || 60)}</Notice>
          ) : null}
          <p class="muted">{t.readOnly}</p>
          <dl class="facts" id="facts">
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>

          <h2>{t.users}</h2>
          {users.length === 0 ? <p>{t.noUsers}</p> : null}
          {users.map((u) => {
            const locked = u.locked_until && u.locked_until.getTime() > now;
            return (
              <section key={u.id} class="cards">
                <article>
                  <dl class="facts">
                    <div>
                      <dt>{t.login}</dt>
                      <dd>{u.login}</dd>
                    </div>
                    <div>
                      <dt>{t.email}</dt>
                      <dd>{u.email ?? ''}</dd>
                    </div>
                    <div>
                      <dt>{t.confirmed}</dt>
                      <dd>{u.email_confirmed_at ? formatDateTime(u.email_confirmed_at) : t.notConfirmed}</dd>
                    </div>
                    <div>
                      <dt>{t.locked}</dt>
                      <dd>{locked ? `${t.until} ${formatDateTime(u.locked_until)}` : t.no}</dd>
                    </div>
                    <div>
                      <dt>{t.failed}</dt>
                      <dd>{u.failed_logins}</dd>
                    </div>
                  </dl>
                  <div class="actions">
                    {u.email_confirmed_at ? null : (
                      <UserAction
                        csrf={ctx.csrfToken}
                        number={account.number}
                        userId={u.id}
                        op="resend"
                        label={t.resend}
                      />
                    )}
                    {locked || u.failed_logins > 0 ? (
                      <UserAction
                        csrf={ctx.csrfToken}
                        number={account.number}
                        userId={u.id}
                        op="unlock"
                        label={t.unlock}
                      />
                    ) : null}
                    <UserAction
                      csrf={ctx.csrfToken}
                      number={account.number}
                      userId={u.id}
                      op="reset"
                      label={t.reset}
                    />
                  </div>
                </article>
              </section>
            );
          })}

          <h2>{t.meters}</h2>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th>{t.input}</th>
                  <th>{t.location}</th>
                  <th>{t.water}</th>
                  <th>{t.serial}</th>
                  <th>{t.verification}</th>
                </tr>
              </thead>
              <tbody>
                {meters.map((m) => (
                  <tr key={m.id}>
                    <td>{m.input_no}</td>
                    <td>{m.location}</td>
                    <td>{m.water === 'cold' ? t.cold : t.hot}</td>
                    <td>
                      {m.serial}
                      {m.removed_on ? ` (${t.removed} ${formatDate(m.removed_on)})` : ''}
                    </td>
                    <td>{formatDate(m.verification_due)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>{t.readings}</h2>
          <div class="table-wrap">
            <table class="data" id="readings">
              <thead>
                <tr>
                  <th>{t.serial}</th>
                  <th>{t.period}</th>
                  <th>{t.readOn}</th>
                  <th class="num">{t.value}</th>
                  <th>{t.source}</th>
                  <th>{t.status}</th>
                  <th>{t.submitted}</th>
                </tr>
              </thead>
              <tbody>
                {readings.map((r) => (
                  <tr key={r.id}>
                    <td>{r.serial}</td>
                    <td>{formatPeriod(req.locale, r.period)}</td>
                    <td>{formatDate(r.read_on)}</td>
                    <td class="num">{formatMeterReading(r.value_l)}</td>
                    <td>{r.source}</td>
                    <td>
                      {t.statuses[r.status]}
                      {r.review_note ? `: ${r.review_note}` : ''}
                    </td>
                    <td>{formatDateTime(r.submitted_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>{t.balances}</h2>
          <div class="table-wrap">
            <table class="data" id="balances">
              <thead>
                <tr>
                  <th>{t.period}</th>
                  <th class="num">{t.opening}</th>
                  <th class="num">{t.charged}</th>
                  <th class="num">{t.paid}</th>
                  <th class="num">{t.closing}</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.period}>
                    <td>{formatPeriod(req.locale, m.period)}</td>
                    <td class="num">{formatTiyn(m.opening_tiyn)}</td>
                    <td class="num">
                      {formatTiyn(m.charged_tiyn + m.recalculation_tiyn + m.penalty_tiyn + m.other_tiyn)}
                    </td>
                    <td class="num">{formatTiyn(m.paid_tiyn)}</td>
                    <td class="num">{formatTiyn(m.closing_tiyn)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </BackofficeLayout>,
      );
    },
  );

  const linkLimit = actionLimit(db, 'account.user.link', {
    perUser: 5,
    perClient: 60,
    timeWindowMs: 3600_000,
  });

  app.post<{ Params: { number: string; userId: string; op: string } }>(
    '/backoffice/accounts/:number/users/:userId/:op',
    async (req, reply) => {
      const { number, op } = req.params;
      const userId = positiveInt(req.params.userId) ?? Number.NaN;
      if (!['resend', 'unlock', 'reset'].includes(op) || !Number.isInteger(userId))
        return reply.callNotFound();
      // Only a user linked to this account, and only a customer, can be acted on from here.
      const user = await db
        .selectFrom('users')
        .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
        .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
        .select(['users.id', 'users.login', 'users.email', 'users.locale', 'users.email_confirmed_at'])
        .where('accounts.number', '=', number)
        .where('users.id', '=', userId)
        .where('users.role', '=', 'customer')
        .executeTakeFirst();
      if (!user) return reply.callNotFound();
      const back = `/backoffice/accounts/${number}`;
      if (op !== 'unlock' && !user.email) return reply.redirect(`${back}?err=email`, 303);
      if (op !== 'unlock') {
        // Links by mail: a few an hour per customer, whoever of the staff sends them.
        const wait = await linkLimit(req, `customer:${user.id}`);
        if (wait) {
          await staffAudit(db, req, `account.user.${op}.limited`, number, { userId: user.id, wait });
          return reply.redirect(`${back}?err=wait-${wait}`, 303);
        }
      }
      await db.transaction().execute(async (tx) => {
        if (op === 'unlock') {
          await tx
            .updateTable('users')
            .set({ locked_until: null, failed_logins: 0, updated_at: new Date() })
            .where('id', '=', user.id)
            .execute();
        } else {
          const kind = op === 'resend' ? 'confirm_email' : 'reset_password';
          await sendUserLink(tx, config.PUBLIC_URL, { ...user, email: user.email ?? '' }, kind);
        }
        await staffAudit(tx, req, `account.user.${op}`, number, { userId: user.id, login: user.login });
      });
      return reply.redirect(`${back}?done=${op}`, 303);
    },
  );
}

function UserAction(props: { csrf: string; number: string; userId: number; op: string; label: string }) {
  return (
    <form
      method="post"
      action={`/backoffice/accounts/${props.number}/users/${props.userId}/${props.op}`}
      class="inline"
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" id={`user-${props.op}`}>
        {props.label}
      </button>
    </form>
  );
}
