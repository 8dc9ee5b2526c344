import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The utility's payment details, printed on the invoice page and PDF and put into its QR code as
 * labelled text (decision 096). The defaults are the demo's stand-ins: set the real ones.
 */
const paymentSchema = z.object({
  PAYEE_NAME: z.string().max(200).default('ГКП «Городской водоканал» (демо)'),
  /** The recipient's business identification number: 12 digits. */
  PAYEE_BIN: z
    .string()
    .regex(/^\d{12}$/, '12 digits')
    .default('000000000000'),
  /** The recipient's account (IIK) as an IBAN: KZ, 2 check digits, 16 letters or digits. */
  PAYEE_IBAN: z
    .string()
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .refine((v) => /^KZ\d{2}[0-9A-Z]{16}$/.test(v), 'KZ, 2 digits and 16 letters or digits (20 characters)')
    .default('KZ000000000000000000'),
  PAYEE_BANK: z.string().max(200).default('АО «Демо Банк»'),
  /** The bank's BIC (SWIFT form): 8 or 11 letters or digits. */
  PAYEE_BIC: z
    .string()
    .regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, '8 or 11 capital letters or digits')
    .default('DEMOKZKA'),
  /** Beneficiary code (KBe): 2 digits. */
  PAYEE_KBE: z
    .string()
    .regex(/^\d{2}$/, '2 digits')
    .default('16'),
  /** Payment purpose code (KNP): 3 digits. */
  PAYEE_KNP: z
    .string()
    .regex(/^\d{3}$/, '3 digits')
    .default('859'),
});

export type PaymentSettings = z.infer<typeof paymentSchema>;

/**
 * The payment details of the environment (the demo's without settings). loadConfig checks the
 * same settings at start, so a wrong one stops the portal there, not at an invoice.
 */
export function paymentSettings(env: Record<string, string | undefined> = process.env): PaymentSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return paymentSchema.parse(cleaned);
}

/** PDF_THREADS when not set: one thread per core, at most 4 (decision 194). */
export function defaultPdfThreads(): number {
  return Math.min(4, availableParallelism());
}

/**
 * Every setting the portal reads from the environment, parsed once.
 * Defaults are those of the embedded demo (`npm start` on a fresh clone).
 */
const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    /** PostgreSQL server; when empty the embedded PGlite database under DATA_DIR is used. */
    DATABASE_URL: z.string().optional(),
    /**
     * A PostgreSQL server (a streaming-replication standby) for the few read-only pages that
     * tolerate lag (decision 127). Empty: those pages read DATABASE_URL like everything else.
     */
    DATABASE_READ_URL: z.string().optional(),
    /**
     * Named prepared statements for the hot queries (`prepared`, src/db/database.ts). `no` for a
     * pooler that cannot keep them, e.g. PgBouncer before 1.21 in transaction mode (decision 126).
     */
    DATABASE_PREPARED: z.enum(['yes', 'no']).default('yes'),
    /**
     * What this process does: `all` serves pages and runs the scheduled jobs (one process, the
     * demo); `web` serves pages only; `worker` runs the jobs and serves only /health and /metrics
     * (decision 125). `web` and `worker` need DATABASE_URL.
     */
    ROLE: z.enum(['all', 'web', 'worker']).default('all'),
    /**
     * The CPU priority (nice, 0–19) a worker process (ROLE=worker) lowers itself to, so that on a
     * host shared with app instances customers' pages come before the batch work (decision 193).
     * 0 keeps the normal priority.
     */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /** Directory of the embedded database and other local state. */
    DATA_DIR: z.string().default('./data'),
    /** Base URL used in links sent by email; default http://localhost:PORT. */
    PUBLIC_URL: z.string().url().optional(),
    /** SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.kz:587. Empty: the dev mailbox. */
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('Vodokanal cabinet <cabinet@vodokanal.local>'),
    /**
     * Key for signed cookies and lookup tokens. Required in production (32+ characters); elsewhere a
     * random one is made per data directory (DATA_DIR/session-secret) and kept.
     */
    SESSION_SECRET: z.string().min(16).optional(),
    /**
     * The reverse proxies whose X-Forwarded-For is believed: IP addresses or CIDR ranges (or
     * loopback, linklocal, uniquelocal), comma separated. Empty: none, the client is the socket's peer.
     */
    TRUST_PROXY: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every(isProxyAddress), {
        message: "the proxies' IP addresses or CIDR ranges, comma separated (e.g. 10.0.0.5 or 10.0.0.0/24)",
      })
      .default([]),
    /** Load demo data into an empty database at start. Default: only on the embedded database. */
    DEMO_DATA: z.enum(['auto', 'yes', 'no']).default('auto'),
    /**
     * Hours a registration may stay unconfirmed; after that the account can be registered again
     * (by whoever proves the right to it) and the unconfirmed user is replaced.
     */
    REGISTRATION_CONFIRM_HOURS: z.coerce.number().positive().default(72),
    /** Monthly consumption per meter above which a reading asks for confirmation (m3). */
    READING_CONFIRM_M3: z.coerce.number().positive().default(30),
    /** Submissions per meter and month the cabinet takes (every correction is one); more go through an operator. */
    READING_MAX_PER_MONTH: z.coerce.number().int().positive().default(20),
    /**
     * Threads of each process that draw PDFs, so a document's 10–25 ms of CPU does not hold up the
     * process's other requests, and a worker's mailing draws on every core (decision 194). Default:
     * one per core, at most 4; a server starts them before it takes requests, tests and commands
     * with the first PDF. 0: drawn on the event loop.
     */
    PDF_THREADS: z.coerce.number().int().min(0).max(16).default(defaultPdfThreads),
    /** Monthly invoice mailing: messages put into the outbox per second at most. */
    MAILING_PER_SECOND: z.coerce.number().positive().default(150),
    /** The last day of a month on which meter readings are taken (the reminder's deadline). */
    READINGS_WINDOW_LAST_DAY: z.coerce.number().int().min(1).max(28).default(25),
    /** How many days before that day the readings reminder goes out. */
    READINGS_REMINDER_DAYS: z.coerce.number().int().min(0).max(20).default(3),
    /** When the daily reminders and alerts run (cron, Asia/Almaty time). */
    NOTIFY_CRON: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'a cron expression of five fields')
      .default('0 10 * * *'),
    /** When the weekly exchange with the billing system runs (cron, Asia/Almaty time). */
    EXCHANGE_CRON: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'a cron expression of five fields')
      .default('0 3 * * 1'),
    /** Where the billing system leaves its files (in/) and takes the readings (out/). */
    EXCHANGE_DIR: z.string().default('./data/exchange'),
    /** Largest file the back-office exchange upload takes (MB); it is streamed to a temporary file. */
    EXCHANGE_UPLOAD_MAX_MB: z.coerce.number().positive().default(100),
    /**
     * Bearer token that /metrics asks for (Prometheus's `authorization` setting). Empty: /metrics
     * answers only clients on this machine.
     */
    METRICS_TOKEN: z.string().min(16).optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /**
     * Tests only (refused unless NODE_ENV=test): a file holding an ISO time that the daily
     * reminders job reads as "now" on each run, so a test moves the clock of worker processes.
     */
    TEST_CLOCK_FILE: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  })
  .merge(paymentSchema);

export type Config = z.infer<typeof schema> & { PUBLIC_URL: string; SESSION_SECRET: string };

export class ConfigError extends Error {}

/** A proxy address TRUST_PROXY accepts: an IP, a CIDR range, or one of proxy-addr's names. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [ip = '', bits, ...rest] = value.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** Shortest SESSION_SECRET production takes. */
export const PRODUCTION_SECRET_LENGTH = 32;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(`Invalid setting ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  const data = parsed.data;
  if (data.ROLE !== 'all' && !data.DATABASE_URL)
    throw new ConfigError(
      `ROLE=${data.ROLE} needs DATABASE_URL: the embedded database belongs to one process, which does everything (ROLE=all).`,
    );
  if (data.DATABASE_READ_URL && !data.DATABASE_URL)
    throw new ConfigError(
      'DATABASE_READ_URL needs DATABASE_URL: a standby serves reads of a PostgreSQL primary.',
    );
  if (data.TEST_CLOCK_FILE && data.NODE_ENV !== 'test')
    throw new ConfigError('TEST_CLOCK_FILE moves the clock of tests: it is refused unless NODE_ENV=test.');
  if (data.NODE_ENV === 'production') refuseUnsafeProduction(data);
  const publicUrl = (data.PUBLIC_URL ?? `http://localhost:${data.PORT}`).replace(/\/+$/, '');
  return { ...data, PUBLIC_URL: publicUrl, SESSION_SECRET: data.SESSION_SECRET ?? localSecret(data) };
}

/**
 * A production install must name its own secret, mail server, public address and database: the
 * demo's stand-ins (a key in the data directory, the dev mailbox, localhost links, the embedded
 * database) are unsafe or wrong there. One line names everything missing.
 */
function refuseUnsafeProduction(data: z.infer<typeof schema>) {
  const missing: string[] = [];
  if ((data.SESSION_SECRET ?? '').length < PRODUCTION_SECRET_LENGTH)
    missing.push(`SESSION_SECRET (at least ${PRODUCTION_SECRET_LENGTH} random characters)`);
  if (!data.SMTP_URL) missing.push('SMTP_URL');
  if (!data.PUBLIC_URL) missing.push('PUBLIC_URL');
  if (!data.DATABASE_URL) missing.push('DATABASE_URL');
  const problems = missing.length > 0 ? [`set ${missing.join(', ')}`] : [];
  if (data.DEMO_DATA === 'yes')
    problems.push('DEMO_DATA=yes is not allowed (the demo users share a published password)');
  if (problems.length > 0) throw new ConfigError(`Cannot start in production: ${problems.join('; ')}`);
}

/** One random secret per test process and per in-memory database. */
const processSecret = randomBytes(32).toString('base64url');

/**
 * The secret of a demo or development install without SESSION_SECRET: made at random at the
 * first start and kept in DATA_DIR/session-secret (mode 0600), so no two installs share a key.
 */
function localSecret(data: { NODE_ENV: string; DATA_DIR: string }): string {
  if (data.NODE_ENV === 'test' || data.DATA_DIR.startsWith('memory://')) return processSecret;
  const file = join(data.DATA_DIR, 'session-secret');
  try {
    return readSecret(file) ?? createSecret(data.DATA_DIR, file);
  } catch (error) {
    throw new ConfigError(
      `Cannot keep the session secret in ${file}: ${(error as Error).message}. Set SESSION_SECRET or DATA_DIR.`,
    );
  }
}

function readSecret(file: string): string | undefined {
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
    throw new Error('the file holds no secret (delete it to make a new one)');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function createSecret(dir: string, file: string): string {
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': of two processes starting together, one writes and the other reads its secret.
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readSecret(file) ?? secret;
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}

/** What main prints as warnings before serving: settings that work but are unsafe. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.NODE_ENV === 'production' && !config.PUBLIC_URL.startsWith('https://'))
    warnings.push(
      `Warning: PUBLIC_URL is ${config.PUBLIC_URL}: cookies go without Secure and there is no HSTS. Serve the portal over https.`,
    );
  return warnings;
}
