import { describe, expect, it } from 'vitest';
import { clientWaitMs, throttleClient, throttleLogin } from './login-throttle';

describe('login throttle keys and waits', () => {
  it('counts an IPv4 client by its address and an IPv6 client by its /64', () => {
    expect(throttleClient('198.51.100.7')).toBe('198.51.100.7');
    expect(throttleClient('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(throttleClient('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(throttleClient('2001:db8:abcd:0012:ffff::9')).toBe('2001:db8:abcd:12::/64');
    expect(throttleClient('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });

  it('counts logins as typed, case and spaces aside', () => {
    expect(throttleLogin('  YUL000123 ')).toBe('yul000123');
  });

  it('lets five failures pass, then doubles the wait up to an hour', () => {
    expect([0, 4].map(clientWaitMs)).toEqual([0, 0]);
    expect([5, 6, 7, 10, 11, 40].map((n) => clientWaitMs(n) / 60_000)).toEqual([1, 2, 4, 32, 60, 60]);
  });
});
