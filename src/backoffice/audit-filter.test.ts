import { describe, expect, it } from 'vitest';
import { parseAuditQuery } from './audit-filter';

describe('the audit log filter', () => {
  it('reads Almaty calendar days into a time range, the last day included', () => {
    const { errors, filter } = parseAuditQuery({ from: '2026-11-01', to: ' 2026-11-02 ', actor: ' admin ' });
    expect(errors).toEqual({});
    expect(filter.since?.toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(filter.until?.toISOString()).toBe('2026-11-02T19:00:00.000Z');
    expect(filter.actor).toBe('admin');
  });

  it('marks a malformed date and leaves it out of the filter, keeping what was typed', () => {
    const { q, errors, filter } = parseAuditQuery({ from: '2026-1-1', to: 'x', before: 'abc' });
    expect(errors).toEqual({ from: true, to: true });
    expect([filter.since, filter.until, filter.before]).toEqual([null, null, 0]);
    expect([q.from, q.to]).toEqual(['2026-1-1', 'x']);
  });

  it('cuts the login and action to 64 characters', () => {
    const { q } = parseAuditQuery({ actor: 'a'.repeat(80), action: 'b'.repeat(80) });
    expect([q.actor.length, q.action.length]).toEqual([64, 64]);
  });
});
