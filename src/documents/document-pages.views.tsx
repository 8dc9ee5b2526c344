import type { AccountView } from '../accounts/accounts.queries';
import type { Invoice } from '../billing/invoice';
import type { Period } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { Locale } from '../i18n/locales';
import { waitMessage } from '../web/action-limit';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { invoiceDocument, statementDocument } from './document-model';
import { documentsText } from './documents.text';
import { InvoiceView, PeriodSelector, PostButton, RangeSelector, StatementView } from './documents.views';
import type { LoadedStatement, PeriodProblem } from './invoice.service';

/** A notice for ?done=wait-SECONDS: when the user may send again. */
function WaitNotice({ locale, done }: { locale: Locale; done: string | undefined }) {
  return done?.startsWith('wait-') ? (
    <Notice kind="error">{waitMessage(locale, Number(done.slice(5)) || 60)}</Notice>
  ) : null;
}

interface Selection {
  period: Period;
  problem: PeriodProblem | null;
  month: string;
  year: string;
}

const periodError = (locale: Locale, problem: string | null) => {
  const t = documentsText[locale];
  return problem === 'invalid' ? t.periodInvalid : problem === 'future' ? t.periodFuture : null;
};

/** The cabinet's invoice (or breakdown) page with its PDF and mail actions. */
export function InvoicePage(props: {
  ctx: PageContext;
  kind: 'invoice' | 'breakdown';
  account: AccountView;
  sel: Selection;
  invoice: Invoice | null;
  years: number[];
  mailState: { email: string | null; subscribe_invoices: boolean } | undefined;
  /** The account number as the query gave it, if it did. */
  queryAccount: unknown;
  done: string | undefined;
  /** The utility's payment details (Config). */
  payee: PaymentSettings;
}) {
  const { ctx, kind, account, sel, invoice, mailState, done } = props;
  const t = documentsText[ctx.locale];
  const path = kind === 'invoice' ? '/cabinet/invoice' : '/cabinet/breakdown';
  const here = `${path}?period=${sel.period}${props.queryAccount ? `&account=${encodeURIComponent(String(props.queryAccount))}` : ''}`;
  const pdfQuery = `period=${sel.period}&account=${account.number}`;
  return (
    <Layout
      ctx={ctx}
      title={kind === 'invoice' ? t.invoiceTitle : t.breakdownTitle}
      cabinet
      scripts={['/static/month-picker.js']}
    >
      {done === 'sent' ? <Notice kind="success">{t.sent(mailState?.email ?? '')}</Notice> : null}
      {done === 'subscribed' ? <Notice kind="success">{t.subscribed}</Notice> : null}
      {done === 'unsubscribed' ? <Notice kind="success">{t.unsubscribed}</Notice> : null}
      {done === 'noemail' ? <Notice kind="error">{t.noEmail}</Notice> : null}
      <WaitNotice locale={ctx.locale} done={done} />
      <PeriodSelector
        locale={ctx.locale}
        action={path}
        value={sel}
        years={props.years}
        error={periodError(ctx.locale, sel.problem)}
        hidden={props.queryAccount ? { account: account.number } : {}}
      />
      {invoice ? (
        <InvoiceView doc={invoiceDocument(ctx.locale, account, invoice, { payee: props.payee })}>
          <div class="actions doc-actions">
            <a class="button primary" href={`/cabinet/invoice.pdf?${pdfQuery}&download=1`}>
              {t.download}
            </a>
            <a class="button" href={`/cabinet/invoice.pdf?${pdfQuery}`}>
              {t.openPdf}
            </a>
            <MailButton
              ctx={ctx}
              document="invoice"
              fields={{ period: sel.period, account: account.number }}
              back={here}
            />
            <PostButton
              action="/cabinet/invoice/subscription"
              csrfToken={ctx.csrfToken}
              label={mailState?.subscribe_invoices ? t.unsubscribe : t.subscribe}
              fields={{ subscribe: mailState?.subscribe_invoices ? '0' : '1', back: here }}
            />
          </div>
        </InvoiceView>
      ) : sel.problem ? null : (
        <Notice kind="info">{t.noData}</Notice>
      )}
    </Layout>
  );
}

/** The button that mails the document on the page (`fields` name it) to the user's address, then comes `back`. */
function MailButton(props: {
  ctx: PageContext;
  document: 'invoice' | 'settlement';
  fields: Record<string, string>;
  back: string;
}) {
  return (
    <PostButton
      action={`/cabinet/${props.document}/email`}
      csrfToken={props.ctx.csrfToken}
      label={documentsText[props.ctx.locale].sendEmail}
      fields={{ ...props.fields, back: props.back }}
    />
  );
}

/** The settlement page: the range selector, the statement, its PDF and mail actions. */
export function SettlementPage(props: {
  ctx: PageContext;
  account: AccountView;
  range: { from: Selection; to: Selection; rangeProblem: 'order' | 'too_long' | null };
  valid: boolean;
  statement: LoadedStatement | null;
  years: number[];
  mailState: { email: string | null } | undefined;
  /** The account number as the query gave it, if it did. */
  queryAccount?: unknown;
  done: string | undefined;
}) {
  const { ctx, account, range, statement, mailState, done } = props;
  const t = documentsText[ctx.locale];
  const rangeQuery = `from_period=${range.from.period}&to_period=${range.to.period}&account=${account.number}`;
  const here = `/cabinet/settlement?${rangeQuery}`;
  return (
    <Layout ctx={ctx} title={t.settlementTitle} cabinet scripts={['/static/month-picker.js']}>
      {done === 'sent' ? <Notice kind="success">{t.sent(mailState?.email ?? '')}</Notice> : null}
      {done === 'noemail' ? <Notice kind="error">{t.noEmail}</Notice> : null}
      <WaitNotice locale={ctx.locale} done={done} />
      <RangeSelector
        locale={ctx.locale}
        action="/cabinet/settlement"
        from={range.from}
        to={range.to}
        years={props.years}
        hidden={props.queryAccount ? { account: account.number } : {}}
        fromError={periodError(ctx.locale, range.from.problem)}
        toError={
          periodError(ctx.locale, range.to.problem) ??
          (range.rangeProblem === 'too_long'
            ? t.rangeTooLong
            : range.rangeProblem === 'order'
              ? t.rangeOrder
              : null)
        }
      />
      {statement ? (
        <>
          <StatementView doc={statementDocument(ctx.locale, account, statement)} />
          <div class="actions doc-actions">
            <a class="button primary" href={`/cabinet/settlement.pdf?${rangeQuery}`}>
              {t.openPdf}
            </a>
            <a class="button" href={`/cabinet/settlement.csv?${rangeQuery}`} download>
              {t.downloadCsv}
            </a>
            <MailButton
              ctx={ctx}
              document="settlement"
              fields={{ from_period: range.from.period, to_period: range.to.period, account: account.number }}
              back={here}
            />
          </div>
        </>
      ) : props.valid ? (
        <Notice kind="info">{t.noDataRange}</Notice>
      ) : null}
    </Layout>
  );
}

/** The lookup token is invalid or has expired: look the account up again. */
export function AnonymousExpiredPage({ ctx }: { ctx: PageContext }) {
  const t = documentsText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.anonymousTitle}>
      <Notice kind="error">{t.anonymousExpired}</Notice>
      <p>
        <a class="button" href="/lookup">
          {t.findAgain}
        </a>
      </p>
    </Layout>
  );
}

/** The anonymous breakdown: the month's invoice with personal data masked. */
export function AnonymousBreakdownPage(props: {
  ctx: PageContext;
  account: AccountView;
  sel: Selection;
  invoice: Invoice | null;
  years: number[];
  token: string;
  /** The utility's payment details (Config). */
  payee: PaymentSettings;
}) {
  const { ctx, account, sel, invoice, token } = props;
  const t = documentsText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.anonymousTitle} scripts={['/static/month-picker.js']}>
      <p class="hint">{t.maskedNote}</p>
      <PeriodSelector
        locale={ctx.locale}
        action="/breakdown/anonymous"
        value={sel}
        years={props.years}
        error={periodError(ctx.locale, sel.problem)}
        hidden={{ token }}
      />
      {invoice ? (
        <InvoiceView
          doc={invoiceDocument(ctx.locale, account, invoice, { masked: true, payee: props.payee })}
        >
          <div class="actions doc-actions">
            <a
              class="button"
              href={`/breakdown/anonymous.pdf?token=${encodeURIComponent(token)}&period=${sel.period}`}
            >
              {t.download}
            </a>
          </div>
        </InvoiceView>
      ) : sel.problem ? null : (
        <Notice kind="info">{t.noData}</Notice>
      )}
    </Layout>
  );
}
