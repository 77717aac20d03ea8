// The setup page is on loopback, but any local user or a browser tab on a hostile site could reach it.
// A one-time code printed by the daemon proves the visitor can read the machine's admin output; it is
// exchanged once for a session held in memory, which the page keeps in an HttpOnly SameSite=Strict cookie.

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: it is typed by hand

function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let out = "";
  for (let i = 0; i < 8; i++) out += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** sameText compares in time that does not depend on where the texts differ, so a guess learns nothing. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** SESSION_TTL_MS is how long a page session lasts before the code must be typed again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** SetupGate holds the one-time setup code and the page sessions it was exchanged for. */
export class SetupGate {
  private code: string | null;
  private readonly sessions = new Map<string, number>();
  private failures = 0;

  constructor(
    private readonly sessionTtlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.code = randomCode();
  }

  /** currentCode is the unused code, or null once it was exchanged. */
  currentCode(): string | null {
    return this.code;
  }

  /** renewCode makes a fresh code, e.g. for a second browser; old sessions stay valid. */
  renewCode(): string {
    this.code = randomCode();
    this.failures = 0;
    return this.code;
  }

  /**
   * exchange trades the code for a session token. After 20 wrong tries the code is burnt, so a page
   * hammering the port cannot guess it; `akash-home status` (root only) then mints a fresh one.
   */
  exchange(typed: string): string | null {
    const normalised = typed.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
    const expected = this.code?.replace("-", "") ?? null;
    if (!expected || !sameText(normalised, expected)) {
      if (this.code && ++this.failures >= 20) this.code = null;
      return null;
    }
    this.code = null;
    const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
    this.sessions.set(token, this.now() + this.sessionTtlMs);
    return token;
  }

  /** isSession says whether a cookie value is a live session. */
  isSession(token: string | undefined | null): boolean {
    if (!token) return false;
    const expires = this.sessions.get(token);
    if (expires === undefined) return false;
    if (expires < this.now()) {
      this.sessions.delete(token);
      return false;
    }
    return true;
  }

  endSession(token: string): void {
    this.sessions.delete(token);
  }
}
