/** How long a registration may stay unconfirmed unless the settings say otherwise (hours). */
export const DEFAULT_CONFIRM_HOURS = 72;

/** When the question "has it expired?" is asked, and after how many hours a registration does. */
export interface RegistrationClock {
  /** The moment of the request (tests move it); the machine's clock when left out. */
  now?: Date | undefined;
  /** REGISTRATION_CONFIRM_HOURS. */
  confirmHours?: number | undefined;
}

/** The registrations made before this moment and still unconfirmed have expired. */
export function expiryCutoff(clock: RegistrationClock): Date {
  const now = clock.now ?? new Date();
  return new Date(now.getTime() - (clock.confirmHours ?? DEFAULT_CONFIRM_HOURS) * 3600_000);
}

/**
 * Whether a user is an expired registration: a customer whose address was never confirmed and who
 * registered longer ago than the setting allows. Such a user holds neither the account, the login
 * nor the address any more: the rightful owner may register again. Staff users never expire.
 */
export function registrationExpired(
  user: { role: string; email_confirmed_at: Date | null; created_at: Date },
  clock: RegistrationClock,
): boolean {
  return (
    user.role === 'customer' &&
    user.email_confirmed_at === null &&
    user.created_at.getTime() <= expiryCutoff(clock).getTime()
  );
}
