// The session the setup code was exchanged for lives in one cookie. HttpOnly keeps it from scripts,
// SameSite=Strict keeps other sites' pages from sending it. No Secure flag: the page is plain http on
// loopback, and a Secure cookie would never be sent back.

import { SESSION_TTL_MS } from "../backend/setup-gate.ts";

/** SESSION_COOKIE is the cookie's name. */
export const SESSION_COOKIE = "akash_home_session";

/** SESSION_MAX_AGE_S is SetupGate's session lifetime, so the browser forgets it when the agent does. */
export const SESSION_MAX_AGE_S = SESSION_TTL_MS / 1000;

/** readSessionCookie finds the session token in a Cookie header, or null. */
export function readSessionCookie(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** sessionCookie is the Set-Cookie value that starts a session. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_S}`;
}

/** clearedSessionCookie is the Set-Cookie value that ends one. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}
