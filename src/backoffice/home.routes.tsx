import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import { safeNext } from '../auth/guard';
import { defineMessages, formatDateTime } from '../i18n/locales';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { secondFactorDone } from './guard';
import { BackofficeLayout, nav } from './layout';
import { verifySecondFactor } from './second-factor';
import { selectTotpState } from './second-factor.queries';
import { newTotpSecret, totpQrDataUrl, totpUri } from './totp';

/** Kept here for the route modules that import it from the home page's module. */
export { staffAudit } from './staff-audit';

const text = defineMessages({
  kk: {
    welcome: 'Қош келдіңіз',
    flagged: 'Тексеруді күтетін көрсеткіштер',
    newQuestions: 'Жауапсыз сұрақтар',
    activeNotes: 'Белсенді хабарландырулар',
    tfaTitle: 'Екі факторлы кіру (TOTP)',
    tfaEnrolIntro:
      'Әкімші үшін екінші фактор міндетті. Аутентификатор қолданбасымен (Google Authenticator, Aegis, FreeOTP) QR-кодты сканерлеңіз немесе кілтті қолмен енгізіңіз, содан кейін 6 санды кодты жазыңыз.',
    tfaSecret: 'Кілт',
    tfaUri: 'otpauth URI',
    tfaCode: 'Қолданбадағы 6 санды код',
    tfaEnter: 'Құпия сөзден кейін: аутентификатор қолданбасындағы кодты енгізіңіз.',
    tfaSubmit: 'Растау',
    tfaBad: 'Код қате немесе мерзімі өтті. Қолданбадағы жаңа кодты енгізіңіз.',
    tfaReused: 'Бұл код қолданылды. Қолданбада келесі кодтың шығуын күтіңіз.',
    tfaLocked: (at: string) => `Қате кодтар тым көп. Кодты ${at} кейін қайта енгізіңіз.`,
    tfaOn: 'Екінші фактор қосулы. Бұл сессия расталған.',
    tfaQrAlt: 'otpauth URI бар QR-код',
    auditTitle: 'Аудит журналы',
    actor: 'Кім (логин)',
    action: 'Әрекет (мысалы, tariff.add)',
    from: 'Күні, бастап',
    to: 'Күні, дейін',
    filter: 'Сүзу',
    at: 'Уақыты',
    subject: 'Нысан',
    ip: 'IP',
    details: 'Толығырақ',
    nothing: 'Жазбалар жоқ.',
    badDate: 'Күнді ЖЖЖЖ-АА-КК түрінде енгізіңіз.',
    shown: 'Көрсетілген жазбалар (ең көбі 200):',
    older: 'Ескірек жазбалар',
  },
  ru: {
    welcome: 'Добро пожаловать',
    flagged: 'Показания на проверке',
    newQuestions: 'Вопросы без ответа',
    activeNotes: 'Действующие объявления',
    tfaTitle: 'Двухфакторный вход (TOTP)',
    tfaEnrolIntro:
      'Для администратора второй фактор обязателен. Отсканируйте QR-код приложением-аутентификатором (Google Authenticator, Aegis, FreeOTP) или введите ключ вручную, затем введите 6-значный код.',
    tfaSecret: 'Ключ',
    tfaUri: 'otpauth URI',
    tfaCode: '6-значный код из приложения',
    tfaEnter: 'После пароля: введите код из приложения-аутентификатора.',
    tfaSubmit: 'Подтвердить',
    tfaBad: 'Неверный или устаревший код. Введите новый код из приложения.',
    tfaReused: 'Этот код уже использован. Дождитесь следующего кода в приложении.',
    tfaLocked: (at: string) => `Слишком много неверных кодов. Введите код снова после ${at}.`,
    tfaOn: 'Второй фактор включён. Этот сеанс подтверждён.',
    tfaQrAlt: 'QR-код с otpauth URI',
    auditTitle: 'Журнал аудита',
    actor: 'Кто (логин)',
    action: 'Действие (например, tariff.add)',
    from: 'Дата с',
    to: 'Дата по',
    filter: 'Отобрать',
    at: 'Время',
    subject: 'Объект',
    ip: 'IP',
    details: 'Подробности',
    nothing: 'Записей нет.',
    badDate: 'Введите дату в виде ГГГГ-ММ-ДД.',
    shown: 'Показаны записи (не более 200):',
    older: 'Более ранние записи',
  },
  en: {
    welcome: 'Welcome',
    flagged: 'Readings waiting for review',
    newQuestions: 'Unanswered questions',
    activeNotes: 'Current announcements',
    tfaTitle: 'Two-factor login (TOTP)',
    tfaEnrolIntro:
      'Administrators must use a second factor. Scan the QR code with an authenticator app (Google Authenticator, Aegis, FreeOTP) or type the key in by hand, then enter the 6-digit code.',
    tfaSecret: 'Key',
    tfaUri: 'otpauth URI',
    tfaCode: '6-digit code from the app',
    tfaEnter: 'After the password: enter the code from your authenticator app.',
    tfaSubmit: 'Confirm',
    tfaBad: 'Wrong or expired code. Enter the current code from the app.',
    tfaReused: 'This code was already used. Wait for the next code in the app.',
    tfaLocked: (at: string) => `Too many wrong codes. Enter a code again after ${at}.`,
    tfaOn: 'The second factor is on. This session is confirmed.',
    tfaQrAlt: 'QR code with the otpauth URI',
    auditTitle: 'Audit log',
    actor: 'Who (login)',
    action: 'Action (e.g. tariff.add)',
    from: 'Date from',
    to: 'Date to',
    filter: 'Filter',
    at: 'Time',
    subject: 'Subject',
    ip: 'IP',
    details: 'Details',
    nothing: 'No entries.',
    badDate: 'Enter the date as YYYY-MM-DD.',
    shown: 'Entries shown (at most 200):',
    older: 'Older entries',
  },
});

const ENROL_COOKIE = 'totp_enrol';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function backofficeHomeRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const secure = config.PUBLIC_URL.startsWith('https://');

  app.get('/backoffice', async (req, reply) => {
    const t = text[req.locale];
    const ctx = pageContext(req, reply);
    const counts = await sql<{ flagged: number; questions: number; notes: number }>`
      select (select count(*)::int from readings where status = 'flagged') as flagged,
             (select count(*)::int from questions where status = 'new') as questions,
             (select count(*)::int from notes where ends_on >= current_date) as notes`.execute(db);
    const c = counts.rows[0] ?? { flagged: 0, questions: 0, notes: 0 };
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={nav[req.locale].area}>
        <p>
          {t.welcome}, {req.user?.login}.
        </p>
        <dl class="facts">
          <div>
            <dt>
              <a href="/backoffice/readings">{t.flagged}</a>
            </dt>
            <dd id="count-flagged">{c.flagged}</dd>
          </div>
          <div>
            <dt>
              <a href="/backoffice/questions">{t.newQuestions}</a>
            </dt>
            <dd id="count-questions">{c.questions}</dd>
          </div>
          <div>
            <dt>
              <a href="/backoffice/notes">{t.activeNotes}</a>
            </dt>
            <dd>{c.notes}</dd>
          </div>
        </dl>
      </BackofficeLayout>,
    );
  });

  // --- The administrator's second factor: enrolment on first login, then a code after every password. ---
  const tfaUser = async (req: FastifyRequest) => {
    if (!req.user) return null;
    // The back-office guard lets administrators only reach the TOTP page.
    return db
      .selectFrom('users')
      .select(['id', 'login', 'totp_secret'])
      .where('id', '=', req.user.id)
      .executeTakeFirstOrThrow();
  };

  const renderTfa = async (
    req: FastifyRequest,
    reply: import('fastify').FastifyReply,
    view: { secret: string | null; verified: boolean; error?: string; next: string },
    status = 200,
  ) => {
    const t = text[req.locale];
    const ctx = pageContext(req, reply);
    const login = req.user?.login ?? '';
    const uri = view.secret ? totpUri(view.secret, login) : '';
    const qr = view.secret ? await totpQrDataUrl(uri) : '';
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.tfaTitle}>
        {view.verified ? <Notice kind="success">{t.tfaOn}</Notice> : null}
        {view.secret ? (
          <>
            <p>{t.tfaEnrolIntro}</p>
            <img class="qr" src={qr} alt={t.tfaQrAlt} width={220} height={220} />
            <dl class="facts">
              <div>
                <dt>{t.tfaSecret}</dt>
                <dd>
                  <code class="secret" id="totp-secret">
                    {view.secret}
                  </code>
                </dd>
              </div>
              <div>
                <dt>{t.tfaUri}</dt>
                <dd>
                  <code class="secret">{uri}</code>
                </dd>
              </div>
            </dl>
          </>
        ) : view.verified ? null : (
          <p>{t.tfaEnter}</p>
        )}
        {view.verified ? null : (
          <Form action="/backoffice/2fa" csrfToken={ctx.csrfToken}>
            <input type="hidden" name="next" value={view.next} />
            <Field
              name="code"
              label={t.tfaCode}
              error={view.error}
              inputMode="numeric"
              autocomplete="one-time-code"
              required
              maxLength={8}
            />
            <button type="submit" class="primary">
              {t.tfaSubmit}
            </button>
          </Form>
        )}
      </BackofficeLayout>,
      status,
    );
  };

  app.get<{ Querystring: { next?: string } }>(
    '/backoffice/2fa',
    { config: { backoffice: 'second-factor' } },
    async (req, reply) => {
      const user = await tfaUser(req);
      if (!user) return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
      const next = safeNext(req.query.next, '/backoffice');
      const verified = await secondFactorDone(db, req.user?.sessionHash ?? '');
      // A locked second factor says so (and until when) before the code is typed.
      const { locked_until } = await selectTotpState(db, user.id);
      const error =
        locked_until && !verified ? text[req.locale].tfaLocked(formatDateTime(locked_until)) : undefined;
      if (user.totp_secret) return renderTfa(req, reply, { secret: null, verified, next, error });
      // Not enrolled: a new secret, kept in a signed cookie until the first code proves the app has it.
      const pending = reply.unsignCookie(req.cookies[ENROL_COOKIE] ?? '');
      const secret = pending.valid && pending.value ? pending.value : newTotpSecret();
      reply.setCookie(ENROL_COOKIE, secret, {
        path: '/backoffice/2fa',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        signed: true,
        maxAge: 1800,
      });
      return renderTfa(req, reply, { secret, verified: false, next });
    },
  );

  app.post(
    '/backoffice/2fa',
    { config: { backoffice: 'second-factor', rateLimit: { max: 10, timeWindow: '5 minutes' } } },
    async (req, reply) => {
      const user = await tfaUser(req);
      if (!user || !req.user) return reply.redirect('/', 303);
      const t = text[req.locale];
      const next = safeNext(field(req.body, 'next'), '/backoffice');
      let pendingSecret: string | null = null;
      if (!user.totp_secret) {
        const pending = reply.unsignCookie(req.cookies[ENROL_COOKIE] ?? '');
        if (!pending.valid || !pending.value) return reply.redirect('/backoffice/2fa', 303);
        pendingSecret = pending.value;
      }
      const result = await verifySecondFactor(db, {
        userId: user.id,
        sessionHash: req.user.sessionHash,
        code: field(req.body, 'code'),
        pendingSecret,
        ip: req.ip,
      });
      if (!result.ok) {
        const error = result.lockedUntil
          ? t.tfaLocked(formatDateTime(result.lockedUntil))
          : result.reason === 'reused'
            ? t.tfaReused
            : t.tfaBad;
        if (result.lockedUntil)
          reply.header(
            'retry-after',
            Math.max(1, Math.ceil((result.lockedUntil.getTime() - Date.now()) / 1000)),
          );
        return renderTfa(
          req,
          reply,
          { secret: pendingSecret, verified: false, error, next },
          result.lockedUntil ? 429 : 400,
        );
      }
      reply.clearCookie(ENROL_COOKIE, { path: '/backoffice/2fa' });
      return reply.redirect(next, 303);
    },
  );

  // --- The audit log, for administrators. ---
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/backoffice/audit',
    { config: { backoffice: 'admin' } },
    async (req, reply) => {
      const t = text[req.locale];
      const ctx = pageContext(req, reply);
      const q = {
        actor: (req.query.actor ?? '').trim().slice(0, 64),
        action: (req.query.action ?? '').trim().slice(0, 64),
        from: (req.query.from ?? '').trim(),
        to: (req.query.to ?? '').trim(),
        before: Number(req.query.before ?? 0) || 0,
      };
      const errors: { from?: string; to?: string } = {};
      if (q.from && !DATE.test(q.from)) errors.from = t.badDate;
      if (q.to && !DATE.test(q.to)) errors.to = t.badDate;
      let query = db
        .selectFrom('audit_log')
        .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
        .select([
          'audit_log.id',
          'audit_log.at',
          'audit_log.action',
          'audit_log.subject',
          'audit_log.ip',
          'audit_log.details',
          'users.login',
        ])
        .orderBy('audit_log.id', 'desc')
        .limit(200);
      if (q.actor) query = query.where('users.login', '=', q.actor);
      if (q.action)
        query = query.where('audit_log.action', 'like', `${q.action.replace(/[%_\\]/g, '\\$&')}%`);
      // Dates are Almaty calendar days (UTC+5).
      if (q.from && !errors.from)
        query = query.where('audit_log.at', '>=', new Date(`${q.from}T00:00:00+05:00`));
      if (q.to && !errors.to)
        query = query.where(
          'audit_log.at',
          '<',
          new Date(new Date(`${q.to}T00:00:00+05:00`).getTime() + 86400_000),
        );
      if (q.before) query = query.where('audit_log.id', '<', q.before);
      const rows = errors.from || errors.to ? [] : await query.execute();
      const last = rows.at(-1);
      const olderParams = new URLSearchParams({ ...q, before: String(last?.id ?? '') } as Record<
        string,
        string
      >);
      return sendPage(
        reply,
        <BackofficeLayout ctx={ctx} title={t.auditTitle}>
          <Form action="/backoffice/audit" method="get" csrfToken="" class="form wide-form">
            <Field name="actor" label={t.actor} value={q.actor} maxLength={64} />
            <Field name="action" label={t.action} value={q.action} maxLength={64} />
            <Field name="from" type="date" label={t.from} value={q.from} error={errors.from} />
            <Field name="to" type="date" label={t.to} value={q.to} error={errors.to} />
            <button type="submit" class="primary">
              {t.filter}
            </button>
          </Form>
          {rows.length === 0 ? (
            <p>{t.nothing}</p>
          ) : (
            <>
              <p class="muted">{t.shown}</p>
              <div class="table-wrap">
                <table class="data" id="audit">
                  <thead>
                    <tr>
                      <th>{t.at}</th>
                      <th>{t.actor}</th>
                      <th>{t.action}</th>
                      <th>{t.subject}</th>
                      <th>{t.ip}</th>
                      <th>{t.details}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.id}>
                        <td>{formatDateTime(r.at)}</td>
                        <td>{r.login ?? ''}</td>
                        <td>{r.action}</td>
                        <td>{r.subject}</td>
                        <td>{r.ip ?? ''}</td>
                        <td>
                          <code>{JSON.stringify(r.details)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {rows.length === 200 ? (
                <p>
                  <a href={`/backoffice/audit?${olderParams.toString()}`}>{t.older}</a>
                </p>
              ) : null}
            </>
          )}
        </BackofficeLayout>,
      );
    },
  );
}
