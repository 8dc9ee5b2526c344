import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValidIinBin } from '../auth/iin';
import { legalLoginFromContract } from '../auth/legal-login';
import { generateDemoData } from './demo-data';

async function closings(now: Date) {
  const { tables } = await generateDemoData({ now, accounts: 5, months: 3 });
  const periods = tables.find(([name]) => name === 'billing_periods')?.[1] as {
    period: string;
    status: string;
    closed_at: string | null;
  }[];
  return new Map(periods.map((p) => [p.period, p]));
}

describe('the demo months', () => {
  it('loaded on 1 December, November is closed at the load, not on a day still to come', async () => {
    const now = new Date('2026-12-01T06:00:00Z');
    const months = await closings(now);
    expect(months.get('2026-12-01')).toMatchObject({ status: 'open', closed_at: null });
    expect(months.get('2026-11-01')).toMatchObject({ status: 'closed', closed_at: now.toISOString() });
    // October was closed on 3 November at 03:00 in Almaty.
    expect(months.get('2026-10-01')?.closed_at).toBe('2026-11-02T22:00:00.000Z');
    for (const p of months.values())
      if (p.closed_at) expect(new Date(p.closed_at).getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('loaded after the 3rd, the month before is closed on the 3rd', async () => {
    const months = await closings(new Date('2026-12-05T06:00:00Z'));
    expect(months.get('2026-11-01')?.closed_at).toBe('2026-12-02T22:00:00.000Z');
  });
});

describe("the README's registration examples", () => {
  // What a new user types, as README.md says it.
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const household =
    /account `(\d{8})` with owner surname `([^`]+)` \(any case\) and any valid IIN of the holder, e\.g\. `(\d{12})`/.exec(
      readme,
    );
  const company = /BIN `(\d{12})` and contract `([^`]+)` \(login `([^`]+)`\)/.exec(readme);
  const lookup = /\(e\.g\. ([^,]+) (\d+), apartment (\d+), surname ([^)]+)\)/.exec(readme);

  it.each([
    ['2026-11-30T06:00:00Z', 36],
    ['2027-03-15T06:00:00Z', 3],
  ])(
    'name free accounts of the demo loaded on %s (%i months)',
    async (day, months) => {
      expect([household, company, lookup].every(Boolean)).toBe(true);
      const { tables } = await generateDemoData({ now: new Date(day), accounts: 2000, months });
      const rows = (name: string) => tables.find(([n]) => n === name)![1] as Record<string, unknown>[];
      const taken = new Set(rows('user_accounts').map((l) => l.account_id));
      const home = rows('accounts').find((a) => a.number === household![1])!;
      expect(home).toMatchObject({ kind: 'individual', owner_surname: household![2], bin_iin: null });
      expect(taken.has(home.id)).toBe(false);
      // With meters: a new customer's first errand is submitting readings.
      expect(rows('meters').filter((m) => m.account_id === home.id).length).toBeGreaterThan(0);
      expect(isValidIinBin(household![3]!)).toBe(true);
      const firm = rows('accounts').find((a) => a.contract_number === company![2])!;
      expect(firm).toMatchObject({ kind: 'legal', bin_iin: company![1] });
      expect(taken.has(firm.id)).toBe(false);
      expect(legalLoginFromContract(company![2]!)).toBe(company![3]);
      // The lookup's address is the household's.
      const premise = rows('premises').find((p) => p.id === home.premise_id)!;
      const building = rows('buildings').find((b) => b.id === premise.building_id)!;
      const street = rows('streets').find((s) => s.id === building.street_id)!;
      expect([street.name, building.number, premise.apartment, home.owner_surname]).toEqual([
        lookup![1],
        lookup![2],
        lookup![3],
        `${lookup![4]![0]!.toUpperCase()}${lookup![4]!.slice(1)}`,
      ]);
    },
    120_000,
  );
});
