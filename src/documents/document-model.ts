import { formatAddress, maskAddress, maskName } from '../accounts/accounts.queries';
import {
  type DocumentDates,
  type Invoice,
  type InvoiceRecalculation,
  LATE_READING,
} from '../billing/invoice';
import { segmentExact } from '../billing/penalty';
import type { Statement } from '../billing/statement';
import { firstDayAfter, formatDay, localDate, monthStart, parsePeriod } from '../calendar/calendar';
import type { PaymentSettings } from '../config';
import type { AccountKind, Water } from '../db/schema';
import { formatDate, formatDateTime, formatPeriod, type Locale, MONTHS } from '../i18n/locales';
import { formatM3, formatMeterReading } from '../money/litres';
import { formatTiyn, formatTiynFixed, type Tiyn } from '../money/tiyn';
import { csvNumber } from '../web/csv';
import { documentsText } from './documents.text';

/**
 * The printed form of the money documents: every label and figure, already in the reader's
 * language and formatted. The page and the PDF both draw this one model, so they can never show
 * different figures.
 */
export interface DocTable {
  heading?: string;
  columns: { label: string; num?: boolean }[];
  rows: { cells: string[]; kind?: 'total' | 'sub' }[];
}

export interface InvoiceDocument {
  title: string;
  /** "Data as of" (the last exchange with the billing system) and the month's closing date. */
  dates: string[];
  tariffs: DocTable;
  facts: [string, string][];
  volumes: DocTable;
  bill: DocTable;
  /** Why and how a water was billed by norm (SPEC.md section 4), under the bill. */
  normNotes: string[];
  /** What the compensation asterisk means; only when the month has a compensation. */
  footnote: string | null;
  /** How the penalty is computed; shown when the month has one. */
  penaltyNote: string | null;
  toPay: string;
  toPayNote: string | null;
  reminder: string;
  contacts: string;
  /** The utility's payment details with the purpose and the amount due (decision 096). */
  payment: { heading: string; rows: [string, string][]; note: string };
  /** What the QR code carries: the payment details as labelled lines. */
  qrPayload: string;
}

export interface DocumentAccount {
  number: string;
  kind: AccountKind;
  ownerName: string;
  residents: number;
  irrigationAreaM2: string;
  contractNumber: string | null;
  street: string;
  house: string;
  prefix: string;
  apartment: string;
}

const bpPercent = (bp: number) => String(bp / 100);

/** An exact amount num/den in tiyn as tenge with 4 decimals (the penalty basis: "2.4658"). */
function formatTenge4(exact: { num: bigint; den: bigint }): string {
  const scaled = (exact.num * 200n + exact.den) / (2n * exact.den); // ten-thousandths of a tenge, half up (>= 0)
  return `${scaled / 10_000n}.${String(scaled % 10_000n).padStart(4, '0')}`;
}

type DocText = (typeof documentsText)[Locale];

const waterName = (t: DocText, water: Water) => (water === 'cold' ? t.coldWater : t.hotWater);

/** The account block of an invoice; owner and address masked on the anonymous breakdown. */
function invoiceFacts(t: DocText, account: DocumentAccount, masked: boolean): [string, string][] {
  const facts: [string, string][] = [
    [t.account, account.number],
    [t.owner, masked ? maskName(account.ownerName) : account.ownerName],
    [t.address, masked ? maskAddress(account) : formatAddress(account)],
    [t.residents, String(account.residents)],
    [t.irrigation, account.irrigationAreaM2],
  ];
  if (account.kind === 'legal') facts.push([t.contract, account.contractNumber ?? '']);
  return facts;
}

/** The volume table: one row per meter, the norm and irrigation rows, the totals. */
function volumeRows(t: DocText, invoice: Invoice): DocTable['rows'] {
  const volumeRows: DocTable['rows'] = invoice.meters.map((m) => ({
    cells: [
      t.inputNo(m.inputNo),
      m.water === 'cold' ? t.cold : t.hot,
      m.serial,
      formatDate(m.start?.date),
      m.start ? formatMeterReading(m.start.valueL) : '',
      formatDate(m.end?.date),
      m.end ? formatMeterReading(m.end.valueL) : '',
      // A meter past its verification date was not billed: the norm rows below were.
      !m.billed ? t.notBilled : m.volumeL === null ? '' : formatM3(m.volumeL),
    ],
  }));
  const labelRow = (label: string, litres: number, kind?: 'sub'): DocTable['rows'][number] => ({
    cells: [label, '', '', '', '', '', '', formatM3(litres)],
    ...(kind ? { kind } : {}),
  });
  for (const n of invoice.normBasis) {
    const label = n.perPerson
      ? t.normRow(waterName(t, n.water), n.perPerson.residents, formatM3Short(n.perPerson.normL))
      : t.normRowPlain(waterName(t, n.water));
    volumeRows.push(labelRow(label, n.volumeL));
  }
  if (invoice.irrigation)
    volumeRows.push(
      labelRow(
        t.irrigationRow(invoice.irrigation.areaM2, formatM3Short(invoice.irrigation.normL)),
        invoice.irrigation.volumeL,
      ),
    );
  if (volumeRows.length > 0) {
    volumeRows.push(
      labelRow(t.totalCold, invoice.volumes.coldL, 'sub'),
      labelRow(t.totalHot, invoice.volumes.hotL, 'sub'),
      labelRow(t.totalSewage, invoice.volumes.sewageL, 'sub'),
    );
  }
  return volumeRows;
}

/** Why and how a volume was billed by norm (SPEC.md: documents say what was billed). */
function normNotes(t: DocText, invoice: Invoice): string[] {
  const normNotes = invoice.normBasis.map((n) => {
    const how = n.perPerson
      ? t.normHow(n.perPerson.residents, formatM3Short(n.perPerson.normL), formatM3Short(n.volumeL))
      : t.normHowPlain(formatM3Short(n.volumeL));
    const why =
      n.expired.length > 0
        ? n.expired.map((e) => t.verificationWasDue(e.serial, formatDate(e.due))).join('; ')
        : t.noMeter;
    return t.normNote(waterName(t, n.water), how, why);
  });
  const sewageNormL = invoice.lines
    .filter((l) => l.service === 'sewage' && l.basis === 'norm')
    .reduce((a, l) => a + l.quantityL, 0);
  if (sewageNormL > 0) normNotes.push(t.sewageByNorm(formatM3Short(sewageNormL)));
  if (invoice.irrigation)
    normNotes.push(
      t.irrigationNote(
        invoice.irrigation.areaM2,
        formatM3Short(invoice.irrigation.normL),
        formatM3Short(invoice.irrigation.volumeL),
      ),
    );
  return normNotes;
}

/** The bill: opening balance, charges, recalculations, penalty with its basis, payments, closing balance. */
function billRows(locale: Locale, t: DocText, invoice: Invoice): DocTable['rows'] {
  const openingDate = formatDate(monthStart(invoice.period));
  const closingDate = formatDate(firstDayAfter(invoice.period));
  const recalculationRows: DocTable['rows'] = invoice.recalculations.map((r) => ({
    cells: [recalculationLabel(locale, r), '', '', '', '', formatTiyn(r.amountTiyn)],
  }));

  const empty = ['', '', '', ''];
  const billRows: DocTable['rows'] = [
    { cells: [t.opening(openingDate), '', ...empty.slice(0, 3), formatTiyn(invoice.openingTiyn)] },
    ...invoice.lines.map((l) => ({
      cells: [
        l.basis === 'norm' ? `${t[l.service]} (${t.byNorm})` : t[l.service],
        formatM3(l.quantityL),
        formatTiyn(l.tariffTiynPerM3),
        bpPercent(l.vatBp),
        formatTiyn(l.tariffWithVatTiyn),
        formatTiyn(l.amountTiyn),
      ],
    })),
    { cells: [t.charged, ...empty, formatTiyn(invoice.chargesTiyn)], kind: 'sub' },
    ...recalculationRows,
    {
      cells: [t.recalculation, ...empty, formatTiyn(invoice.recalculationTiyn)],
      ...(recalculationRows.length > 0 ? { kind: 'sub' as const } : {}),
    },
    { cells: [t.penalty, ...empty, formatTiyn(invoice.penaltyTiyn)] },
    ...invoice.penaltyBasis.map((s) => ({
      cells: [
        t.penaltyBasis(
          s.days,
          formatDate(s.from),
          formatDate(s.to),
          formatTiyn(s.overdueTiyn),
          bpPercent(s.rateBp),
          s.coefficient,
        ),
        ...empty,
        formatTenge4(segmentExact(s)),
      ],
    })),
  ];
  if (invoice.otherTiyn !== 0) billRows.push({ cells: [t.other, ...empty, formatTiyn(invoice.otherTiyn)] });
  billRows.push(
    invoice.compensationTiyn !== 0
      ? {
          cells: [
            t.paid,
            ...empty,
            `${formatTiyn(invoice.paidTiyn)} / ${formatTiyn(invoice.compensationTiyn)}*`,
          ],
        }
      : { cells: [t.paidPlain, ...empty, formatTiyn(invoice.paidTiyn)] },
    { cells: [t.closing(closingDate), ...empty, formatTiyn(invoice.closingTiyn)], kind: 'total' },
  );
  return billRows;
}

export function invoiceDocument(
  locale: Locale,
  account: DocumentAccount,
  invoice: Invoice,
  /** `payee`: the utility's payment details, from the settings (Config). */
  options: { masked?: boolean; payee: PaymentSettings },
): InvoiceDocument {
  const t = documentsText[locale];
  const periodName = formatPeriod(locale, invoice.period);

  const facts = invoiceFacts(t, account, options.masked ?? false);
  const volumes = volumeRows(t, invoice);
  const billed = billRows(locale, t, invoice);

  const due = Math.max(0, invoice.toPayTiyn);
  const payment = paymentRows(locale, options.payee, account.number, invoice.period, due);
  return {
    title: t.invoiceFor(periodName),
    dates: invoice.dates ? documentDates(locale, invoice.dates) : [],
    tariffs: {
      heading: t.tariffsHeading,
      columns: [{ label: t.service }, { label: t.tariff, num: true }],
      rows: invoice.tariffs.map((x) => ({ cells: [t[x.service], formatTiyn(x.tariffTiynPerM3)] })),
    },
    facts,
    volumes: {
      heading: t.volumesHeading,
      columns: [
        { label: t.input },
        { label: t.water },
        { label: t.meter },
        { label: t.startDate },
        { label: t.startReading, num: true },
        { label: t.endDate },
        { label: t.endReading, num: true },
        { label: t.volume, num: true },
      ],
      rows: volumes,
    },
    bill: {
      heading: t.billHeading,
      columns: [
        { label: t.service },
        { label: t.quantity, num: true },
        { label: t.tariff, num: true },
        { label: t.vat, num: true },
        { label: t.tariffVat, num: true },
        { label: t.amount, num: true },
      ],
      rows: billed,
    },
    normNotes: normNotes(t, invoice),
    footnote: invoice.compensationTiyn !== 0 ? t.compensationNote : null,
    penaltyNote: invoice.penaltyTiyn !== 0 ? t.penaltyNote : null,
    toPay: t.toPay(periodName, formatTiyn(invoice.toPayTiyn)),
    toPayNote: invoice.toPayTiyn < 0 ? t.overpaid : null,
    reminder: t.reminder,
    contacts: t.contacts,
    payment: { heading: t.paymentHeading, rows: payment, note: t.paymentNote },
    qrPayload: paymentQrPayload(payment),
  };
}

/** "Cold water, 10.2026 — recalculation: reading of 10.2026 received after closing". */
export function recalculationLabel(locale: Locale, r: InvoiceRecalculation): string {
  const t = documentsText[locale];
  const month = r.forPeriod ? formatMonthNumeric(r.forPeriod) : '';
  const why =
    r.reason === LATE_READING && r.forPeriod ? t.lateReading(month) : t.otherRecalculation(r.reason);
  const what = r.service ? t[r.service] : t.recalculation;
  return `${month ? t.recalculationFor(what, month) : what} — ${why}`;
}

/** "12.2026": a month as the recalculation reasons name it. */
function formatMonthNumeric(period: string): string {
  return `${period.slice(5, 7)}.${period.slice(0, 4)}`;
}

/** A volume in m³ without trailing zeros: "3.5" for 3500 L, "10" for 10000 L. */
function formatM3Short(litres: number): string {
  return formatM3(litres).replace(/\.?0+$/, '');
}

/** The lines saying when a document's figures were taken. */
export function documentDates(locale: Locale, dates: DocumentDates): string[] {
  const t = documentsText[locale];
  return [
    dates.dataAsOf ? t.dataAsOf(formatDateTime(dates.dataAsOf)) : t.dataAsOfUnknown,
    dates.closedAt ? t.periodClosed(formatDay(localDate(dates.closedAt))) : t.periodOpen,
  ];
}

/**
 * The payment details as label-value rows in the reader's language: recipient, BIN, IIK (IBAN),
 * bank, BIC, KBe, KNP, the purpose with the account and the month, the amount due (zero when
 * the account is in credit), always with two decimals.
 */
export function paymentRows(
  locale: Locale,
  payee: PaymentSettings,
  accountNumber: string,
  period: string,
  dueTiyn: Tiyn,
): [string, string][] {
  const t = documentsText[locale];
  return [
    [t.payRecipient, payee.PAYEE_NAME],
    [t.payBin, payee.PAYEE_BIN],
    [t.payIban, payee.PAYEE_IBAN],
    [t.payBank, payee.PAYEE_BANK],
    [t.payBic, payee.PAYEE_BIC],
    [t.payKbe, payee.PAYEE_KBE],
    [t.payKnp, payee.PAYEE_KNP],
    [t.payPurpose, t.payPurposeText(accountNumber, formatMonthNumeric(period))],
    [t.payAmount, `${formatTiynFixed(dueTiyn)} ₸`],
  ];
}

/**
 * The QR code's text: the payment details as labelled lines ("Recipient: …"), to be read and
 * checked by a person or copied into a bank app by hand. No bank app of Kazakhstan takes a
 * common payment format from a QR code, so none is claimed (decision 096).
 */
export function paymentQrPayload(rows: [string, string][]): string {
  return rows.map(([label, value]) => `${label}: ${value}`).join('\n');
}

export interface StatementDocument {
  title: string;
  /** "Data as of" and the closing date of the statement's last month. */
  dates: string[];
  /** The recalculations of the range, each with the month it was booked in and its reason. */
  recalculationsHeading: string;
  recalculationNotes: string[];
  facts: [string, string][];
  table: DocTable;
}

/** The statement table: the opening balance, one row per month, the totals. */
function statementRows(locale: Locale, t: DocText, statement: Statement): DocTable['rows'] {
  const months = MONTHS[locale].long;
  const rows: DocTable['rows'] = [
    {
      cells: [
        t.openingRow(formatDate(monthStart(statement.from))),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        formatTiyn(statement.openingTiyn),
      ],
      kind: 'sub',
    },
    ...statement.rows.map((r) => {
      const { year, month } = parsePeriod(r.period);
      return {
        cells: [
          String(year),
          months[month - 1] ?? '',
          formatTiyn(r.chargedTiyn),
          formatTiyn(r.recalculationTiyn),
          formatTiyn(r.penaltyTiyn),
          formatTiyn(r.otherTiyn),
          r.paymentDates.map(formatDate).join(', '),
          formatTiyn(r.paidTiyn),
          formatTiyn(r.balanceTiyn),
        ],
      };
    }),
    {
      cells: [
        t.totalsRow,
        '',
        formatTiyn(statement.totals.chargedTiyn),
        formatTiyn(statement.totals.recalculationTiyn),
        formatTiyn(statement.totals.penaltyTiyn),
        formatTiyn(statement.totals.otherTiyn),
        '',
        formatTiyn(statement.totals.paidTiyn),
        formatTiyn(statement.totals.balanceTiyn),
      ],
      kind: 'total',
    },
  ];
  return rows;
}

export function statementDocument(
  locale: Locale,
  account: DocumentAccount,
  statement: Statement & {
    dates?: DocumentDates;
    recalculations?: (InvoiceRecalculation & { period: string })[];
  },
): StatementDocument {
  const t = documentsText[locale];
  return {
    title: t.statementFor(formatPeriod(locale, statement.from), formatPeriod(locale, statement.to)),
    dates: statement.dates ? documentDates(locale, statement.dates) : [],
    recalculationsHeading: t.recalculationsHeading,
    recalculationNotes: (statement.recalculations ?? []).map((r) =>
      t.recalculationIn(
        formatPeriod(locale, r.period),
        recalculationLabel(locale, r),
        formatTiyn(r.amountTiyn),
      ),
    ),
    facts: [
      [t.account, account.number],
      [t.owner, account.ownerName],
      [t.address, formatAddress(account)],
    ],
    table: {
      columns: [
        { label: t.colYear },
        { label: t.colMonth },
        { label: t.colCharged, num: true },
        { label: t.colRecalc, num: true },
        { label: t.penalty, num: true },
        { label: t.colOther, num: true },
        { label: t.colPayDate },
        { label: t.colPaid, num: true },
        { label: t.colBalance, num: true },
      ],
      rows: statementRows(locale, t, statement),
    },
  };
}

/** A document table as CSV rows: the same cells as the page, the figures with a decimal comma. */
export function docTableCsv(table: DocTable): { header: string[]; rows: string[][] } {
  return {
    header: table.columns.map((c) => c.label),
    rows: table.rows.map((r) => r.cells.map((c, i) => (table.columns[i]?.num ? csvNumber(c) : c))),
  };
}
