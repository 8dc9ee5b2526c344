import type { Migration } from 'kysely';
import * as m0001 from './0001_domain';
import * as m0200 from './0200_readings';
import * as m0300 from './0300_invoice_mailing';
import * as m0400 from './0400_exchange';
import * as m0500 from './0500_backoffice';
import * as m0600 from './0600_identity_hardening';
import * as m0610 from './0610_totp_lock';
import * as m0620 from './0620_penalty_days';
import * as m0630 from './0630_job_runs';
import * as m0655 from './0655_reading_drafts';
import * as m0660 from './0660_mail_outbox_documents';
import * as m0700 from './0700_personal_data_consent';
import * as m0710 from './0710_notifications';
import * as m0750 from './0750_api_tokens';
import * as m0800 from './0800_account_links';
import * as m0840 from './0840_api_token_shown_once';
import * as m0850 from './0850_reading_drafts_several_accounts';
import * as m0860 from './0860_older_password_hashes';
import * as m0870 from './0870_mail_outbox_claim_index';
import * as m0880 from './0880_mailing_pending_recipients_index';

/**
 * Every migration, by name. Names sort in the order they apply; each capability
 * adds its own file here (0100 identity, 0200 readings, 0300 documents, 0400 exchange,
 * 0500 back-office, 0600 identity hardening, 0700 personal-data consent), so parallel work never renumbers another's migration.
 */
export const migrations: Record<string, Migration> = {
  '0001_domain': m0001,
  '0200_readings': m0200,
  '0300_invoice_mailing': m0300,
  '0400_exchange': m0400,
  '0500_backoffice': m0500,
  '0600_identity_hardening': m0600,
  '0610_totp_lock': m0610,
  '0620_penalty_days': m0620,
  '0630_job_runs': m0630,
  '0655_reading_drafts': m0655,
  '0660_mail_outbox_documents': m0660,
  '0700_personal_data_consent': m0700,
  '0710_notifications': m0710,
  '0750_api_tokens': m0750,
  '0800_account_links': m0800,
  '0840_api_token_shown_once': m0840,
  '0850_reading_drafts_several_accounts': m0850,
  '0860_older_password_hashes': m0860,
  '0870_mail_outbox_claim_index': m0870,
  '0880_mailing_pending_recipients_index': m0880,
};
