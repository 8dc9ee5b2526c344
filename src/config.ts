import { z } from 'zod';

/**
 * Every setting the portal reads from the environment, parsed once.
 * Defaults are those of the embedded demo (`npm start` on a fresh clone).
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** PostgreSQL server; when empty the embedded PGlite database under DATA_DIR is used. */
  DATABASE_URL: z.string().optional(),
  /** Directory of the embedded database and other local state. */
  DATA_DIR: z.string().default('./data'),
  /** Base URL used in links sent by email; default http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.kz:587. Empty: the dev mailbox. */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Vodokanal cabinet <cabinet@vodokanal.local>'),
  /** Secret for signed cookies; a fixed demo value is used when unset outside production. */
  SESSION_SECRET: z.string().min(16).default('demo-secret-change-me-in-production-0123456789'),
  /** Load demo data into an empty database at start. Default: only on the embedded database. */
  DEMO_DATA: z.enum(['auto', 'yes', 'no']).default('auto'),
  /** Monthly consumption per meter above which a reading asks for confirmation (m3). */
  READING_CONFIRM_M3: z.coerce.number().positive().default(30),
  /** Submissions per meter and month the cabinet takes (every correction is one); more go through an operator. */
  READING_MAX_PER_MONTH: z.coerce.number().int().positive().default(20),
  /** Monthly invoice mailing: messages put into the outbox per second at most. */
  MAILING_PER_SECOND: z.coerce.number().positive().default(20),
  /** When the weekly exchange with the billing system runs (cron, Asia/Almaty time). */
  EXCHANGE_CRON: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'a cron expression of five fields')
    .default('0 3 * * 1'),
  /** Where the billing system leaves its files (in/) and takes the readings (out/). */
  EXCHANGE_DIR: z.string().default('./data/exchange'),
  /** Largest file the back-office exchange upload takes (MB); it is streamed to a temporary file. */
  EXCHANGE_UPLOAD_MAX_MB: z.coerce.number().positive().default(100),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export type Config = z.infer<typeof schema> & { PUBLIC_URL: string };

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(`Invalid setting ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    throw new ConfigError('SESSION_SECRET must be set in production');
  }
  const publicUrl = (parsed.data.PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/+$/, '');
  return { ...parsed.data, PUBLIC_URL: publicUrl };
}
