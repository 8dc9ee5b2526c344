import { describe, expect, it } from 'vitest';
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
