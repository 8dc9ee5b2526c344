import { describe, expect, it } from 'vitest';
import { paymentStage, readingsReminderPeriod, today, verificationStage } from './schedule';

const settings = { windowLastDay: 25, leadDays: 3 };

describe('when reminders and alerts are due', () => {
  it('reminds of readings from three days before the 25th through the 25th, not before or after', () => {
    expect(readingsReminderPeriod('2026-12-21', settings)).toBeNull();
    expect(readingsReminderPeriod('2026-12-22', settings)).toBe('2026-12');
    expect(readingsReminderPeriod('2026-12-25', settings)).toBe('2026-12');
    expect(readingsReminderPeriod('2026-12-26', settings)).toBeNull();
    expect(readingsReminderPeriod('2026-02-20', { windowLastDay: 20, leadDays: 0 })).toBe('2026-02');
    expect(readingsReminderPeriod('2026-02-19', { windowLastDay: 20, leadDays: 0 })).toBeNull();
  });

  it('puts a verification date into its stage: 60, 14 and the day it lapses, for one week', () => {
    expect(verificationStage('2027-03-01', '2026-12-31')).toBe(60);
    expect(verificationStage('2027-03-01', '2026-12-30')).toBeNull(); // 61 days left
    expect(verificationStage('2027-03-01', '2027-02-14')).toBe(60); // 15 left
    expect(verificationStage('2027-03-01', '2027-02-15')).toBe(14);
    expect(verificationStage('2027-03-01', '2027-02-28')).toBe(14);
    expect(verificationStage('2027-03-01', '2027-03-01')).toBe(0);
    expect(verificationStage('2027-03-01', '2027-03-08')).toBe(0);
    expect(verificationStage('2027-03-01', '2027-03-09')).toBeNull();
  });

  it('tells a bill due from one overdue by the 25th of the next month', () => {
    expect(paymentStage('2026-11', '2026-12-01')).toBe('due');
    expect(paymentStage('2026-11', '2026-12-25')).toBe('due');
    expect(paymentStage('2026-11', '2026-12-26')).toBe('overdue');
  });

  it('reads the day in Almaty time (UTC+5)', () => {
    expect(today(new Date('2026-12-21T18:59:00Z'))).toBe('2026-12-21');
    expect(today(new Date('2026-12-21T19:00:00Z'))).toBe('2026-12-22');
  });
});
