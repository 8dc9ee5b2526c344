import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { jobClock } from './clock';

const dir = mkdtempSync(join(tmpdir(), 'clock-'));
const file = join(dir, 'now');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the jobs clock', () => {
  it('is the real clock without TEST_CLOCK_FILE', () => {
    const before = Date.now();
    const now = jobClock({ NODE_ENV: 'production' })().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it('reads the file on every call in tests', () => {
    const clock = jobClock({ NODE_ENV: 'test', TEST_CLOCK_FILE: file });
    writeFileSync(file, '2026-12-01T05:00:00Z\n');
    expect(clock().toISOString()).toBe('2026-12-01T05:00:00.000Z');
    writeFileSync(file, '2026-12-02T05:00:00Z');
    expect(clock().toISOString()).toBe('2026-12-02T05:00:00.000Z');
    writeFileSync(file, 'tomorrow');
    expect(() => clock()).toThrow('TEST_CLOCK_FILE holds no time: "tomorrow"');
  });

  it('cannot be moved outside tests: the config and the clock refuse the file', () => {
    for (const NODE_ENV of ['production', 'development']) {
      expect(() => loadConfig({ NODE_ENV, TEST_CLOCK_FILE: file, SESSION_SECRET: 's'.repeat(40) })).toThrow(
        new ConfigError('TEST_CLOCK_FILE moves the clock of tests: it is refused unless NODE_ENV=test.'),
      );
      expect(() => jobClock({ NODE_ENV, TEST_CLOCK_FILE: file })).toThrow('refused unless NODE_ENV=test');
    }
    expect(loadConfig({ NODE_ENV: 'test', TEST_CLOCK_FILE: file }).TEST_CLOCK_FILE).toBe(file);
  });
});
