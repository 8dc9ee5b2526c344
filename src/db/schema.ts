import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types for Kysely, written to match src/db/migrations.
 * int8 columns read as number (see types.ts), numeric as string, date as 'YYYY-MM-DD'.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A timestamp with a default: optional on insert, accepts ISO strings. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | undefined, string>;

/*
 * The enumerations of the domain, defined here once: the value lists, and their types derived
 * from them. Other modules import these (for unions, JSON-schema `enum`s and `z.enum(...)`)
 * instead of listing the values again.
 */
export const ACCOUNT_KINDS = ['individual', 'legal'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const WATERS = ['cold', 'hot'] as const;
export type Water = (typeof WATERS)[number];
export const SERVICES = ['cold_water', 'sewage'] as const;
export type Service = (typeof SERVICES)[number];
export const READING_SOURCES = ['cabinet', 'inspector', 'phone', 'billing', 'operator'] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];
export const READING_STATUSES = ['accepted', 'flagged', 'rejected'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];
export const ROLES = ['customer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const LOCALES = ['kk', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const NORM_KINDS = ['cold_per_person', 'hot_per_person', 'irrigation_per_m2'] as const;
export type NormKind = (typeof NORM_KINDS)[number];
export const CHARGE_BASES = ['meter', 'norm'] as const;
export type ChargeBasis = (typeof CHARGE_BASES)[number];
export const TOKEN_PURPOSES = [
  'confirm_email',
  'reset_password',
  'change_email',
  'unlock_login',
  'revoke_account_link',
] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];
export const NOTIFICATION_KINDS = [
  'readings_reminder',
  'verification_due',
  'high_consumption',
  'payment_due',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const EXCHANGE_KINDS = ['import', 'export'] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

export interface StreetsTable {
  id: Generated<number>;
  code: string;
  name: string;
}
export interface BuildingsTable {
  id: Generated<number>;
  code: string;
  street_id: number;
  number: string;
  prefix: Generated<string>;
}
export interface PremisesTable {
  id: Generated<number>;
  code: string;
  building_id: number;
  apartment: Generated<string>;
}
export interface AccountsTable {
  id: Generated<number>;
  number: string;
  kind: AccountKind;
  premise_id: number;
  owner_name: string;
  owner_surname: Generated<string>;
  residents: Generated<number>;
  irrigation_area_m2: ColumnType<string, string | number | undefined, string | number>;
  contract_number: string | null;
  bin_iin: string | null;
  opened_on: string | null;
  closed_on: string | null;
  created_at: Generated<Date>;
}
export interface MetersTable {
  id: Generated<number>;
  code: string;
  account_id: number;
  input_no: Generated<number>;
  location: Generated<string>;
  water: Water;
  serial: string;
  verification_due: string | null;
  installed_on: string;
  removed_on: string | null;
  created_at: Generated<Date>;
}
export interface UsersTable {
  id: Generated<number>;
  login: string;
  email: string | null;
  first_name: Generated<string>;
  last_name: Generated<string>;
  role: Generated<Role>;
  customer_kind: AccountKind | null;
  password_hash: string;
  email_confirmed_at: TimestampNullable;
  pending_email: string | null;
  locale: Generated<Locale>;
  subscribe_invoices: Generated<boolean>;
  subscribe_announcements: Generated<boolean>;
  totp_secret: string | null;
  /** argon2id hash of the IIN a household gave at registration (proof in password recovery). */
  iin_hash: string | null;
  /** The last accepted TOTP time step (30 s since the epoch): a code is good for one session only. */
  totp_last_step: number | null;
  totp_failed: Generated<number>;
  totp_locked_until: TimestampNullable;
  failed_logins: Generated<number>;
  locked_until: TimestampNullable;
  /** The account the customer chose in the header switcher; the cabinet's default (migration 0800). */
  chosen_account_id: Generated<number | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface UserAccountsTable {
  user_id: number;
  account_id: number;
  created_at: Generated<Date>;
}
export interface SessionsTable {
  id_hash: string;
  user_id: number;
  persistent: Generated<boolean>;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  hint: string;
  scopes: string[];
  created_at: DefaultTimestamp;
  expires_at: TimestampNullable;
  last_used_at: TimestampNullable;
  revoked_at: TimestampNullable;
  /** When the page after the create form showed the token (decision 170). */
  shown_at: TimestampNullable;
  /** The key of the create form that made it: the same form sent twice makes one token. */
  form_key: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface OneTimeTokensTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  purpose: TokenPurpose;
  payload: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  used_at: TimestampNullable;
  created_at: Generated<Date>;
}
export interface BillingPeriodsTable {
  period: string;
  status: Generated<'open' | 'closed'>;
  closed_at: TimestampNullable;
}
export interface ReadingsTable {
  id: Generated<number>;
  meter_id: number;
  period: string;
  value_l: number;
  read_on: string;
  source: ReadingSource;
  status: Generated<ReadingStatus>;
  review_note: string | null;
  reviewed_by: number | null;
  reviewed_at: TimestampNullable;
  submitted_at: DefaultTimestamp;
  submitted_by: number | null;
  idempotency_key: string | null;
  exported_at: TimestampNullable;
  export_batch_id: ColumnType<number | null, number | null | undefined, number | null>;
}
export interface TariffsTable {
  id: Generated<number>;
  service: Service;
  customer_kind: AccountKind;
  effective_from: string;
  price_tiyn_per_m3: number;
}
export interface VatRatesTable {
  effective_from: string;
  rate_bp: number;
}
export interface NormsTable {
  id: Generated<number>;
  kind: NormKind;
  effective_from: string;
  litres: number;
  season_from_month: number | null;
  season_to_month: number | null;
}
export interface PenaltyRatesTable {
  effective_from: string;
  refinancing_rate_bp: number;
  coefficient: ColumnType<string, string | number, string | number>;
}
export interface ChargesTable {
  id: Generated<number>;
  account_id: number;
  period: string;
  service: Service;
  basis: ChargeBasis;
  quantity_l: number;
  tariff_tiyn_per_m3: number;
  vat_bp: number;
  amount_tiyn: number;
}
export interface RecalculationsTable {
  id: Generated<number>;
  account_id: number;
  period: string;
  for_period: string | null;
  service: Service | null;
  amount_tiyn: number;
  reason: Generated<string>;
  code: string | null;
}
export interface PenaltiesTable {
  id: Generated<number>;
  account_id: number;
  period: string;
  base_tiyn: number;
  days: number;
  amount_tiyn: number;
}
/** One run of days of a month's penalty with the same overdue amount and rate (0620_penalty_days). */
export interface PenaltyDaysTable {
  account_id: number;
  period: string;
  from_on: string;
  to_on: string;
  days: number;
  overdue_tiyn: number;
  refinancing_rate_bp: number;
  coefficient: string;
}
export interface PaymentsTable {
  id: Generated<number>;
  code: string | null;
  account_id: number;
  paid_on: string;
  period: string;
  amount_tiyn: number;
  kind: Generated<'regular' | 'compensation'>;
  source: Generated<string>;
}
export interface AccountMonthsTable {
  account_id: number;
  period: string;
  opening_tiyn: number;
  charged_tiyn: Generated<number>;
  recalculation_tiyn: Generated<number>;
  penalty_tiyn: Generated<number>;
  other_tiyn: Generated<number>;
  paid_tiyn: Generated<number>;
  compensation_tiyn: Generated<number>;
  closing_tiyn: number;
}
export interface MailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attachments: Json<unknown[]>;
  /** What the deliverer renders and attaches (src/mail/outbox.ts MailDocuments), or null. */
  documents: ColumnType<unknown, string | null | undefined, string | null>;
  /** Extra header lines of the message (List-Unsubscribe...), name to value, or null. */
  headers: ColumnType<unknown, string | null | undefined, string | null>;
  purpose: Generated<string>;
  dedupe_key: string | null;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: TimestampNullable;
}
export interface NotificationPreferencesTable {
  user_id: number;
  kind: NotificationKind;
  enabled: boolean;
  updated_at: DefaultTimestamp;
}
export interface NotificationsSentTable {
  id: Generated<number>;
  user_id: number;
  account_id: number | null;
  kind: NotificationKind;
  subject_key: string;
  channel: Generated<string>;
  outbox_id: number | null;
  sent_at: DefaultTimestamp;
}
export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_user_id: number | null;
  action: string;
  subject: Generated<string>;
  ip: string | null;
  details: Json<Record<string, unknown>>;
}
export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}
/** Failed logins per (login, client IP), and per login over all clients (client '*'). */
export interface LoginThrottleTable {
  login: string;
  client: string;
  failures: Generated<number>;
  last_failure_at: DefaultTimestamp;
}
export interface AppStateTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}
export interface InvoiceMailingsTable {
  period: string;
  started_at: DefaultTimestamp;
  started_by: number | null;
  completed_at: TimestampNullable;
}
export interface InvoiceMailingRecipientsTable {
  period: string;
  user_id: number;
  status: Generated<'pending' | 'queued' | 'skipped' | 'failed'>;
  outbox_id: number | null;
  error: string | null;
  updated_at: DefaultTimestamp;
}

export interface Database {
  streets: StreetsTable;
  buildings: BuildingsTable;
  premises: PremisesTable;
  accounts: AccountsTable;
  meters: MetersTable;
  users: UsersTable;
  user_accounts: UserAccountsTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  billing_periods: BillingPeriodsTable;
  readings: ReadingsTable;
  tariffs: TariffsTable;
  vat_rates: VatRatesTable;
  norms: NormsTable;
  penalty_rates: PenaltyRatesTable;
  charges: ChargesTable;
  recalculations: RecalculationsTable;
  penalties: PenaltiesTable;
  penalty_days: PenaltyDaysTable;
  payments: PaymentsTable;
  account_months: AccountMonthsTable;
  mail_outbox: MailOutboxTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  login_throttle: LoginThrottleTable;
  app_state: AppStateTable;
  session_second_factor: SessionSecondFactorTable;
  questions: QuestionsTable;
  notes: NotesTable;
  note_streets: NoteStreetsTable;
  invoice_mailings: InvoiceMailingsTable;
  notification_preferences: NotificationPreferencesTable;
  notifications_sent: NotificationsSentTable;
  invoice_mailing_recipients: InvoiceMailingRecipientsTable;
  exchange_runs: ExchangeRunsTable;
  running_jobs: RunningJobsTable;
  job_slots: JobSlotsTable;
  export_batches: ExportBatchesTable;
  personal_data_consents: PersonalDataConsentsTable;
  api_tokens: ApiTokensTable;
  reading_drafts: ReadingDraftsTable;
}

/** Readings typed before a login, kept for 30 minutes (migration 0655). */
export interface ReadingDraftsTable {
  account_id: number;
  token_hash: string;
  typed: ColumnType<Record<string, string>, string, string>;
  expires_at: ColumnType<Date, Date, Date>;
  created_at: DefaultTimestamp;
}

export interface ExchangeRunsTable {
  id: Generated<number>;
  kind: ExchangeKind;
  file: string;
  started_at: DefaultTimestamp;
  finished_at: TimestampNullable;
  status: Generated<'running' | 'succeeded' | 'rejected' | 'failed'>;
  rows_read: Generated<number>;
  rows_inserted: Generated<number>;
  rows_updated: Generated<number>;
  rows_unchanged: Generated<number>;
  rows_rejected: Generated<number>;
  errors: Json;
  /** The app instance running it (src/jobs/instance.ts); null for rows from before, or from tests. */
  owner: Generated<number | null>;
}

export interface ExportBatchesTable {
  id: Generated<number>;
  created_at: DefaultTimestamp;
  file: string | null;
  rows: Generated<number>;
  finished_at: TimestampNullable;
}

export type Account = Selectable<AccountsTable>;
export type Meter = Selectable<MetersTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

// Back-office (0500).
export interface SessionSecondFactorTable {
  session_hash: string;
  verified_at: Generated<Date>;
}
export interface QuestionsTable {
  id: Generated<number>;
  name: string;
  email: string;
  user_id: number | null;
  account_number: string | null;
  topic: string;
  body: string;
  locale: Generated<Locale>;
  status: Generated<'new' | 'answered'>;
  answer: string | null;
  answered_by: number | null;
  answered_at: TimestampNullable;
  published: Generated<boolean>;
  created_at: DefaultTimestamp;
}
export interface NotesTable {
  id: Generated<number>;
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
  created_by: number | null;
  created_at: DefaultTimestamp;
}
export interface NoteStreetsTable {
  note_id: number;
  street_id: number;
}

export interface RunningJobsTable {
  job: string;
  owner: number | null;
  started_at: DefaultTimestamp;
}

export interface JobSlotsTable {
  job: string;
  slot: Date;
  started_at: DefaultTimestamp;
}

/** A registrant's agreement to the processing of personal data: the text's version, when, how. */
export interface PersonalDataConsentsTable {
  id: Generated<number>;
  user_id: number;
  text_version: string;
  locale: Locale;
  agreed_at: DefaultTimestamp;
  ip: string | null;
  user_agent: string | null;
}
