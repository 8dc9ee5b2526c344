import type { DB } from '../db/database';
import { billingDataAsOfValue } from './exchange.queries';

/**
 * When the cabinet's charges and payments were last refreshed from the billing system: the time
 * of the last successful import (the demo sets it to the last Monday's scheduled run). Pages show
 * it as "data as of".
 */
export async function billingDataAsOf(db: DB): Promise<Date | null> {
  const stored = await billingDataAsOfValue(db);
  const value = typeof stored === 'string' ? jsonOrText(stored) : stored;
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * A jsonb value a driver handed over as its JSON text, parsed; plain text as it is. Only a JSON
 * string is parsed (the value is one): node-postgres hands over the instant itself, and parsing
 * that as JSON threw and caught on every page.
 */
function jsonOrText(text: string): unknown {
  if (!text.startsWith('"')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
