import { readFileSync } from 'node:fs';

/** What a scheduled job takes as "now". */
export type Clock = () => Date;

/**
 * The clock of the scheduled jobs: the real one, or in tests (`TEST_CLOCK_FILE` with
 * NODE_ENV=test, which the config enforces and this checks again) the time written in that file,
 * read on every call, so a test walks worker processes through a month without waiting for it.
 */
export function jobClock(config: { NODE_ENV: string; TEST_CLOCK_FILE?: string | undefined }): Clock {
  const file = config.TEST_CLOCK_FILE;
  if (!file) return () => new Date();
  if (config.NODE_ENV !== 'test') throw new Error('TEST_CLOCK_FILE is refused unless NODE_ENV=test');
  return () => {
    const text = readFileSync(file, 'utf8').trim();
    const now = new Date(text);
    if (Number.isNaN(now.getTime())) throw new Error(`TEST_CLOCK_FILE holds no time: "${text}"`);
    return now;
  };
}
