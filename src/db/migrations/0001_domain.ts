import { type Kysely, sql } from 'kysely';

/**
 * The domain model. Money is integer tiyn (bigint), volumes integer litres (bigint),
 * rates in basis points (1200 = 12%), calendar dates as `date`, billing months as the
 * `date` of their first day. Keys named `code` are the billing system's keys used by imports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table streets (
  id serial primary key,
  code text not null unique,
  name text not null
);

create table buildings (
  id serial primary key,
  code text not null unique,
  street_id int not null references streets(id),
  number text not null,
  prefix text not null default '',
  unique (street_id, number, prefix)
);

create table premises (
  id serial primary key,
  code text not null unique,
  building_id int not null references buildings(id),
  apartment text not null default '',
  unique (building_id, apartment)
);

create table accounts (
  id serial primary key,
  number text not null unique check (number ~ '^[0-9]{8}$'),
  kind text not null check (kind in ('individual', 'legal')),
  premise_id int not null references premises(id),
  owner_name text not null,
  owner_surname text not null default '',
  residents int not null default 0 check (residents >= 0),
  irrigation_area_m2 numeric(10, 2) not null default 0 check (irrigation_area_m2 >= 0),
  contract_number text unique,
  bin_iin text check (bin_iin ~ '^[0-9]{12}$'),
  opened_on date,
  closed_on date,
  created_at timestamptz not null default now(),
  check (kind = 'individual' or (contract_number is not null and bin_iin is not null))
);
create index accounts_premise_idx on accounts (premise_id);
create index accounts_surname_idx on accounts (lower(owner_surname));

create table meters (
  id serial primary key,
  code text not null unique,
  account_id int not null references accounts(id),
  input_no int not null default 1 check (input_no > 0),
  location text not null default '',
  water text not null check (water in ('cold', 'hot')),
  serial text not null,
  verification_due date,
  installed_on date not null,
  removed_on date,
  created_at timestamptz not null default now()
);
create index meters_account_idx on meters (account_id);
create index meters_serial_idx on meters (serial);

create table users (
  id serial primary key,
  login text not null unique,
  email text,
  first_name text not null default '',
  last_name text not null default '',
  role text not null default 'customer' check (role in ('customer', 'operator', 'admin')),
  customer_kind text check (customer_kind in ('individual', 'legal')),
  password_hash text not null,
  email_confirmed_at timestamptz,
  pending_email text,
  locale text not null default 'kk' check (locale in ('kk', 'ru', 'en')),
  subscribe_invoices boolean not null default false,
  subscribe_announcements boolean not null default false,
  totp_secret text,
  failed_logins int not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_idx on users (lower(email));

create table user_accounts (
  user_id int not null references users(id) on delete cascade,
  account_id int not null references accounts(id),
  created_at timestamptz not null default now(),
  primary key (user_id, account_id)
);
create index user_accounts_account_idx on user_accounts (account_id);

create table sessions (
  id_hash text primary key,
  user_id int not null references users(id) on delete cascade,
  persistent boolean not null default false,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table one_time_tokens (
  id serial primary key,
  token_hash text not null unique,
  user_id int not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('confirm_email', 'reset_password', 'change_email')),
  payload jsonb not null default '{}',
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

create table billing_periods (
  period date primary key check (extract(day from period) = 1),
  status text not null default 'open' check (status in ('open', 'closed')),
  closed_at timestamptz
);

create table readings (
  id bigserial primary key,
  meter_id int not null references meters(id),
  period date not null check (extract(day from period) = 1),
  value_l bigint not null check (value_l >= 0 and value_l <= 99999999),
  read_on date not null,
  source text not null check (source in ('cabinet', 'inspector', 'phone', 'billing', 'operator')),
  status text not null default 'accepted' check (status in ('accepted', 'flagged', 'rejected')),
  review_note text,
  reviewed_by int references users(id),
  reviewed_at timestamptz,
  submitted_at timestamptz not null default now(),
  submitted_by int references users(id),
  idempotency_key text unique,
  exported_at timestamptz
);
create index readings_meter_idx on readings (meter_id, read_on desc, id desc);
create index readings_period_idx on readings (period);

create table tariffs (
  id serial primary key,
  service text not null check (service in ('cold_water', 'sewage')),
  customer_kind text not null check (customer_kind in ('individual', 'legal')),
  effective_from date not null,
  price_tiyn_per_m3 bigint not null check (price_tiyn_per_m3 >= 0),
  unique (service, customer_kind, effective_from)
);

create table vat_rates (
  effective_from date primary key,
  rate_bp int not null check (rate_bp >= 0 and rate_bp < 10000)
);

create table norms (
  id serial primary key,
  kind text not null check (kind in ('cold_per_person', 'hot_per_person', 'irrigation_per_m2')),
  effective_from date not null,
  litres int not null check (litres >= 0),
  season_from_month int check (season_from_month between 1 and 12),
  season_to_month int check (season_to_month between 1 and 12),
  unique (kind, effective_from)
);

create table penalty_rates (
  effective_from date primary key,
  refinancing_rate_bp int not null check (refinancing_rate_bp >= 0),
  coefficient numeric(8, 4) not null check (coefficient >= 0)
);

create table charges (
  id bigserial primary key,
  account_id int not null references accounts(id),
  period date not null check (extract(day from period) = 1),
  service text not null check (service in ('cold_water', 'sewage')),
  basis text not null check (basis in ('meter', 'norm')),
  quantity_l bigint not null check (quantity_l >= 0),
  tariff_tiyn_per_m3 bigint not null,
  vat_bp int not null,
  amount_tiyn bigint not null,
  unique (account_id, period, service, basis)
);
create index charges_period_idx on charges (period);

create table recalculations (
  id bigserial primary key,
  account_id int not null references accounts(id),
  period date not null check (extract(day from period) = 1),
  for_period date,
  service text check (service in ('cold_water', 'sewage')),
  amount_tiyn bigint not null,
  reason text not null default '',
  code text unique
);
create index recalculations_account_idx on recalculations (account_id, period);

create table penalties (
  id bigserial primary key,
  account_id int not null references accounts(id),
  period date not null check (extract(day from period) = 1),
  base_tiyn bigint not null,
  days int not null,
  amount_tiyn bigint not null,
  unique (account_id, period)
);

create table payments (
  id bigserial primary key,
  code text unique,
  account_id int not null references accounts(id),
  paid_on date not null,
  period date not null check (extract(day from period) = 1),
  amount_tiyn bigint not null,
  kind text not null default 'regular' check (kind in ('regular', 'compensation')),
  source text not null default 'billing'
);
create index payments_account_idx on payments (account_id, period);

-- One row per account and month: the ledger's balance, with the identity enforced.
create table account_months (
  account_id int not null references accounts(id),
  period date not null check (extract(day from period) = 1),
  opening_tiyn bigint not null,
  charged_tiyn bigint not null default 0,
  recalculation_tiyn bigint not null default 0,
  penalty_tiyn bigint not null default 0,
  other_tiyn bigint not null default 0,
  paid_tiyn bigint not null default 0,
  compensation_tiyn bigint not null default 0,
  closing_tiyn bigint not null,
  primary key (account_id, period),
  check (closing_tiyn = opening_tiyn + charged_tiyn + recalculation_tiyn + penalty_tiyn + other_tiyn - paid_tiyn)
);
create index account_months_period_idx on account_months (period);

create table mail_outbox (
  id bigserial primary key,
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  attachments jsonb not null default '[]',
  purpose text not null default '',
  dedupe_key text unique,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index mail_outbox_due_idx on mail_outbox (status, next_attempt_at);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_user_id int references users(id),
  action text not null,
  subject text not null default '',
  ip text,
  details jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at desc);
create index audit_log_actor_idx on audit_log (actor_user_id, at desc);

create table rate_limits (
  key text primary key,
  hits int not null,
  reset_at timestamptz not null
);

create table app_state (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop table if exists app_state, rate_limits, audit_log, mail_outbox, account_months, payments, penalties,
  recalculations, charges, penalty_rates, norms, vat_rates, tariffs, readings, billing_periods,
  one_time_tokens, sessions, user_accounts, users, meters, accounts, premises, buildings, streets cascade
`.execute(db);
}
