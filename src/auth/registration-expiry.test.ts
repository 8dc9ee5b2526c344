import { describe, expect, it } from 'vitest';
import { expiryCutoff, registrationExpired } from './registration-expiry';

const registered = new Date('2026-11-01T10:00:00Z');
const at = (hours: number) => new Date(registered.getTime() + hours * 3600_000);
const customer = { role: 'customer', email_confirmed_at: null, created_at: registered };

describe('registrationExpired', () => {
  it('keeps an unconfirmed registration for 72 hours by default, then lets it go', () => {
    expect(registrationExpired(customer, { now: at(71.99) })).toBe(false);
    expect(registrationExpired(customer, { now: at(72) })).toBe(true);
    expect(expiryCutoff({ now: at(72) }).toISOString()).toBe(registered.toISOString());
  });

  it('follows the setting', () => {
    expect(registrationExpired(customer, { now: at(25), confirmHours: 24 })).toBe(true);
    expect(registrationExpired(customer, { now: at(100), confirmHours: 168 })).toBe(false);
  });

  it('never expires a confirmed customer or a staff user', () => {
    expect(registrationExpired({ ...customer, email_confirmed_at: at(1) }, { now: at(1000) })).toBe(false);
    expect(registrationExpired({ ...customer, role: 'operator' }, { now: at(1000) })).toBe(false);
  });
});
