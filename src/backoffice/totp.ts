import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const ISSUER = 'Vodokanal back-office';

function totp(secretBase32: string, login: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: login,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A fresh random TOTP secret (160 bits), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, login: string): string {
  return totp(secretBase32, login).toString();
}

/**
 * The 30-second time step a 6-digit code belongs to, accepting the neighbouring steps for clock
 * drift; null when the code is wrong. The caller refuses a step already used.
 */
export function totpStep(secretBase32: string, login: string, code: string, now = Date.now()): number | null {
  const clean = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(clean)) return null;
  const delta = totp(secretBase32, login).validate({ token: clean, window: 1, timestamp: now });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}

/** Checks a 6-digit code, accepting the neighbouring 30-second steps for clock drift. */
export function checkTotp(secretBase32: string, login: string, code: string, now = Date.now()): boolean {
  return totpStep(secretBase32, login, code, now) !== null;
}

/** The current code (tests and the demo use it). */
export function currentTotp(secretBase32: string, login = 'x', now = Date.now()): string {
  return totp(secretBase32, login).generate({ timestamp: now });
}

/** The QR code of the URI as an SVG data: URL (allowed by the page's CSP for images). */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
