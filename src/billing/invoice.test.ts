import { describe, expect, it } from 'vitest';
import { demoNorms, invoiceA, invoiceB } from '../../test/fixtures/seed-vectors';
import { formatM3 } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { chargeLine, chargesTotal } from './charges';
import { assembleInvoice } from './invoice';

describe('invoice A (seed figure 3)', () => {
  const inv = assembleInvoice(invoiceA);
  it('volumes from readings', () => {
    expect(formatM3(inv.volumes.coldL)).toBe('3.222');
    expect(formatM3(inv.volumes.hotL)).toBe('1.368');
    expect(formatM3(inv.volumes.sewageL)).toBe('4.590');
  });
  it('tariffs with VAT shown rounded', () => {
    expect(inv.lines.map((l) => formatTiyn(l.tariffWithVatTiyn))).toEqual(['66.46', '65.91']);
  });
  it('amounts use the unrounded tariff with VAT', () => {
    expect(inv.lines.map((l) => formatTiyn(l.amountTiyn))).toEqual(['214.14', '302.54']);
  });
  it('month total, paid, closing', () => {
    expect(formatTiyn(inv.chargesTiyn)).toBe('516.67');
    expect(formatTiyn(inv.openingTiyn)).toBe('-17.71');
    expect(formatTiyn(inv.paidTiyn)).toBe('7212');
    expect(formatTiyn(inv.compensationTiyn)).toBe('6712');
    expect(formatTiyn(inv.closingTiyn)).toBe('-6713.04');
    expect(inv.toPayTiyn).toBe(inv.closingTiyn);
  });
});

describe('invoice B (seed figure 19)', () => {
  const inv = assembleInvoice(invoiceB);
  it('figures', () => {
    expect(inv.lines.map((l) => formatTiyn(l.amountTiyn))).toEqual(['69.32', '111.52']);
    expect(formatTiyn(inv.chargesTiyn)).toBe('180.84');
    expect(formatTiyn(inv.paidTiyn)).toBe('0');
    expect(formatTiyn(inv.compensationTiyn)).toBe('1500');
    // The seed prints -460.21, a 1-tiyn slip of its source; the exact ledger gives -460.22.
    expect(formatTiyn(inv.closingTiyn)).toBe('-460.22');
  });
});

describe('charge lines', () => {
  it('total is the rounded sum of unrounded lines, not the sum of rounded lines', () => {
    // 0.5 L at 1 tiyn: lines of 0.00056 tiyn each... use values where rounding differs:
    const a = chargeLine({
      service: 'cold_water',
      basis: 'meter',
      quantityL: 1,
      tariffTiynPerM3: 4500,
      vatBp: 0,
    });
    const b = chargeLine({
      service: 'sewage',
      basis: 'meter',
      quantityL: 1,
      tariffTiynPerM3: 4500,
      vatBp: 0,
    });
    expect(a.amountTiyn).toBe(5); // 4.5 rounds half away from zero
    expect(b.amountTiyn).toBe(5);
    expect(chargesTotal([a, b])).toBe(9); // 4.5 + 4.5 = 9, not 10
  });
  it('rounds half away from zero for negative amounts too', () => {
    const line = chargeLine({
      service: 'cold_water',
      basis: 'meter',
      quantityL: -1,
      tariffTiynPerM3: 4500,
      vatBp: 0,
    });
    expect(line.amountTiyn).toBe(-5);
  });
  it('16% VAT from 2026', () => {
    const line = chargeLine({
      service: 'cold_water',
      basis: 'meter',
      quantityL: 10_000,
      tariffTiynPerM3: 5934,
      vatBp: 1600,
    });
    expect(formatTiyn(line.tariffWithVatTiyn)).toBe('68.83');
    expect(formatTiyn(line.amountTiyn)).toBe('688.34');
  });
  it('refuses fractional input', () => {
    expect(() =>
      chargeLine({
        service: 'cold_water',
        basis: 'meter',
        quantityL: 1.5,
        tariffTiynPerM3: 5934,
        vatBp: 1200,
      }),
    ).toThrow();
  });
});

describe('invoice billed by norm (SPEC.md section 4)', () => {
  const line = (service: 'cold_water' | 'sewage', basis: 'meter' | 'norm', quantityL: number) => ({
    service,
    basis,
    quantityL,
    tariffTiynPerM3: 9486,
    vatBp: 1600,
  });
  const base = {
    period: '2026-10' as const,
    tariffs: [],
    openingTiyn: 0,
    recalculationTiyn: 0,
    penaltyTiyn: 0,
    otherTiyn: 0,
    payments: [],
  };
  const reading = (valueL: number, date: string) => ({ valueL, date });

  it('a meter past its verification date is not billed; the norm is, and the volumes are what was billed', () => {
    const inv = assembleInvoice({
      ...base,
      meters: [
        {
          inputNo: 1,
          water: 'cold',
          serial: '30550127',
          verificationDue: '2026-06-30',
          start: reading(601_539, '2026-09-20'),
          end: reading(604_875, '2026-10-22'),
        },
        {
          inputNo: 1,
          water: 'hot',
          serial: '30550188',
          verificationDue: '2028-06-30',
          start: reading(295_559, '2026-09-20'),
          end: reading(298_880, '2026-10-22'),
        },
      ],
      charges: [
        line('cold_water', 'norm', 10_500),
        line('sewage', 'meter', 3321),
        line('sewage', 'norm', 10_500),
      ],
      norm: { ...demoNorms, residents: 3, irrigationAreaM2: '0' },
    });
    expect(inv.meters.map((m) => [m.serial, m.billed, m.volumeL])).toEqual([
      ['30550127', false, 3336],
      ['30550188', true, 3321],
    ]);
    expect(inv.normBasis).toEqual([
      {
        water: 'cold',
        volumeL: 10_500,
        perPerson: { residents: 3, normL: 3500 },
        expired: [{ serial: '30550127', due: '2026-06-30' }],
      },
    ]);
    expect(inv.volumes).toEqual({ coldL: 10_500, hotL: 3321, sewageL: 13_821 });
  });

  it('a meter that passed 99999.999 in the month shows what the month was billed for', () => {
    const inv = assembleInvoice({
      ...base,
      meters: [
        {
          inputNo: 1,
          water: 'cold',
          serial: '30550127',
          verificationDue: '2030-06-30',
          start: reading(99_999_500, '2026-09-20'),
          end: reading(1_300, '2026-10-22'),
        },
      ],
      // What the month's closing billed: from 99999.500 over zero to 00001.300.
      charges: [line('cold_water', 'meter', 1_800), line('sewage', 'meter', 1_800)],
      norm: { ...demoNorms, residents: 1, irrigationAreaM2: '0' },
    });
    expect(inv.meters.map((m) => [m.serial, m.volumeL])).toEqual([['30550127', 1_800]]);
    expect(inv.volumes).toEqual({ coldL: 1_800, hotL: 0, sewageL: 1_800 });
    expect(inv.normBasis).toEqual([]);
  });

  it('no meter at all: cold and hot by norm, irrigation in the season as cold water only', () => {
    const inv = assembleInvoice({
      ...base,
      period: '2026-07' as const,
      meters: [],
      charges: [line('cold_water', 'norm', 2 * 3500 + 600), line('sewage', 'norm', 2 * 5600)],
      norm: { ...demoNorms, residents: 2, irrigationAreaM2: '5' },
    });
    expect(inv.normBasis.map((n) => [n.water, n.volumeL, n.perPerson, n.expired])).toEqual([
      ['cold', 7000, { residents: 2, normL: 3500 }, []],
      ['hot', 4200, { residents: 2, normL: 2100 }, []],
    ]);
    expect(inv.irrigation).toEqual({ areaM2: '5', normL: 120, volumeL: 600 });
    expect(inv.volumes).toEqual({ coldL: 7600, hotL: 4200, sewageL: 11_200 });
  });

  it('norm lines the facts do not explain (billed elsewhere on other facts) are shown as billed, without a per-person split', () => {
    const inv = assembleInvoice({
      ...base,
      meters: [],
      charges: [line('cold_water', 'norm', 7000), line('sewage', 'norm', 11_200)],
      norm: { ...demoNorms, residents: 3, irrigationAreaM2: '0' },
    });
    expect(inv.normBasis.map((n) => [n.water, n.volumeL, n.perPerson])).toEqual([
      ['cold', 7000, null],
      ['hot', 4200, null],
    ]);
    expect(inv.volumes.sewageL).toBe(11_200);
  });

  it('metered months have no norm part (invoice A)', () => {
    const inv = assembleInvoice(invoiceA);
    expect([inv.normBasis, inv.irrigation, inv.meters.every((m) => m.billed)]).toEqual([[], null, true]);
  });
});

describe('penalty basis on the invoice', () => {
  const segments = [
    { from: '2026-03-26', to: '2026-03-28', days: 3, overdueTiyn: 200_000, rateBp: 1500, coefficient: '1' },
    { from: '2026-03-29', to: '2026-03-31', days: 3, overdueTiyn: 150_000, rateBp: 1500, coefficient: '1' },
  ];
  it('is shown when its days give the month penalty (the SPEC example: 4.32)', () => {
    const inv = assembleInvoice({ ...invoiceA, penaltyTiyn: 432, penaltyBasis: segments });
    expect(inv.penaltyBasis).toEqual(segments);
    expect(inv.closingTiyn).toBe(-671_304 + 432);
  });
  it('is left out when the penalty no longer matches it (replaced by an import)', () => {
    expect(assembleInvoice({ ...invoiceA, penaltyTiyn: 500, penaltyBasis: segments }).penaltyBasis).toEqual(
      [],
    );
    expect(assembleInvoice({ ...invoiceA, penaltyTiyn: 0, penaltyBasis: segments }).penaltyBasis).toEqual([]);
  });
});
