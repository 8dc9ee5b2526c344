import { formatAddress, maskAddress, maskName } from '../accounts/accounts.queries';
import type { Invoice } from '../billing/invoice';
import { segmentExact } from '../billing/penalty';
import { addMonths, parsePeriod } from '../billing/period';
import type { Statement } from '../billing/statement';
import { formatDate, formatPeriod, type Locale, MONTHS } from '../i18n/locales';
import { formatM3, formatMeterReading } from '../money/litres';
import { formatTiyn, formatTiynFixed } from '../money/tiyn';
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
  tariffs: DocTable;
  facts: [string, string][];
  volumes: DocTable;
  bill: DocTable;
  footnote: string;
  /** How the penalty is computed; shown when the month has one. */
  penaltyNote: string | null;
  toPay: string;
  toPayNote: string | null;
  reminder: string;
  contacts: string;
  /** What the payment QR code carries. */
  qrPayload: string;
}

export interface DocumentAccount {
  number: string;
  kind: 'individual' | 'legal';
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

export function invoiceDocument(
  locale: Locale,
  account: DocumentAccount,
  invoice: Invoice,
  options: { masked?: boolean } = {},
): InvoiceDocument {
  const t = documentsText[locale];
  const periodName = formatPeriod(locale, invoice.period);
  const openingDate = formatDate(`${invoice.period}-01`);
  const closingDate = formatDate(`${addMonths(invoice.period, 1)}-01`);

  const facts: [string, string][] = [
    [t.account, account.number],
    [t.owner, options.masked ? maskName(account.ownerName) : account.ownerName],
    [t.address, options.masked ? maskAddress(account) : formatAddress(account)],
    [t.residents, String(account.residents)],
    [t.irrigation, account.irrigationAreaM2],
  ];
  if (account.kind === 'legal') facts.push([t.contract, account.contractNumber ?? '']);

  const volumeRows: DocTable['rows'] = invoice.meters.map((m) => ({
    cells: [
      t.inputNo(m.inputNo),
      m.water === 'cold' ? t.cold : t.hot,
      m.serial,
      formatDate(m.start?.date),
      m.start ? formatMeterReading(m.start.valueL) : '',
      formatDate(m.end?.date),
      m.end ? formatMeterReading(m.end.valueL) : '',
      m.volumeL === null ? '' : formatM3(m.volumeL),
    ],
  }));
  const sum = (label: string, litres: number): DocTable['rows'][number] => ({
    cells: [label, '', '', '', '', '', '', formatM3(litres)],
    kind: 'sub',
  });
  if (invoice.meters.length > 0) {
    volumeRows.push(
      sum(t.totalCold, invoice.volumes.coldL),
      sum(t.totalHot, invoice.volumes.hotL),
      sum(t.totalSewage, invoice.volumes.sewageL),
    );
  }

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
    { cells: [t.recalculation, ...empty, formatTiyn(invoice.recalculationTiyn)] },
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
    {
      cells: [t.paid, ...empty, `${formatTiyn(invoice.paidTiyn)} / ${formatTiyn(invoice.compensationTiyn)}*`],
    },
    { cells: [t.closing(closingDate), ...empty, formatTiyn(invoice.closingTiyn)], kind: 'total' },
  );

  const due = Math.max(0, invoice.toPayTiyn);
  return {
    title: t.invoiceFor(periodName),
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
      rows: volumeRows,
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
      rows: billRows,
    },
    footnote: t.compensationNote,
    penaltyNote: invoice.penaltyTiyn !== 0 ? t.penaltyNote : null,
    toPay: t.toPay(periodName, formatTiyn(invoice.toPayTiyn)),
    toPayNote: invoice.toPayTiyn < 0 ? t.overpaid : null,
    reminder: t.reminder,
    contacts: t.contacts,
    qrPayload: paymentQrPayload(account.number, invoice.period, due),
  };
}

/**
 * The payment QR code's text: key=value pairs a payment app can read. The amount is what is
 * due (zero when the account is in credit), always with two decimals.
 */
export function paymentQrPayload(accountNumber: string, period: string, dueTiyn: number): string {
  return `ST00012|Name=Vodokanal|PersonalAcc=${accountNumber}|Period=${period}|Sum=${formatTiynFixed(dueTiyn)}`;
}

export interface StatementDocument {
  title: string;
  facts: [string, string][];
  table: DocTable;
}

export function statementDocument(
  locale: Locale,
  account: DocumentAccount,
  statement: Statement,
): StatementDocument {
  const t = documentsText[locale];
  const months = MONTHS[locale].long;
  const rows: DocTable['rows'] = [
    {
      cells: [
        t.openingRow(formatDate(`${statement.from}-01`)),
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
  return {
    title: t.statementFor(formatPeriod(locale, statement.from), formatPeriod(locale, statement.to)),
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
      rows,
    },
  };
}
