import type { Migration } from 'kysely';
import * as m0001 from './0001_domain';
import * as m0200 from './0200_readings';
import * as m0300 from './0300_invoice_mailing';
import * as m0400 from './0400_exchange';
import * as m0500 from './0500_backoffice';
import * as m0620 from './0620_penalty_days';

/**
 * Every migration, by name. Names sort in the order they apply; each capability
 * adds its own file here (0100 identity, 0200 readings, 0300 documents, 0400 exchange,
 * 0500 back-office), so parallel work never renumbers another's migration.
 */
export const migrations: Record<string, Migration> = {
  '0001_domain': m0001,
  '0200_readings': m0200,
  '0300_invoice_mailing': m0300,
  '0400_exchange': m0400,
  '0500_backoffice': m0500,
  '0620_penalty_days': m0620,
};
