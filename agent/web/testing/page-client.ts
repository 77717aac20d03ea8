// A browser stand-in for in-process tests: app.handle with the headers a same-origin browser sends and
// the session cookie kept between requests.
import type { SetupGate } from "../../backend/setup-gate.ts";
import { SESSION_COOKIE } from "../session-cookie.ts";

/** Handler is what createWebApp returns, as far as tests use it. */
export interface Handler {
  handle(request: Request): Promise<Response>;
}

export const ORIGIN = "http://127.0.0.1:7777";

/** PageClient sends requests like the owner's browser on the page would. */
export class PageClient {
  cookie: string | null = null;

  constructor(private readonly app: Handler) {}

  request(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { host: "127.0.0.1:7777", ...(this.cookie ? { cookie: `${SESSION_COOKIE}=${this.cookie}` } : {}), ...init.headers };
    return this.app.handle(new Request(ORIGIN + path, { ...init, headers, redirect: "manual" }));
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  /** post sends a form as a same-origin browser does; extra headers override (e.g. to play a hostile page). */
  post(path: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request(path, {
      method: "POST",
      body: body.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", origin: ORIGIN, ...headers },
    });
  }

  /** signIn exchanges the gate's current setup code through the welcome form and keeps the cookie. */
  async signIn(gate: SetupGate): Promise<Response> {
    const res = await this.post("/welcome", { code: gate.currentCode() ?? "" });
    const set = res.headers.get("set-cookie") ?? "";
    const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(set);
    if (!m) throw new Error(`sign-in failed: ${res.status} ${set}`);
    this.cookie = m[1]!;
    return res;
  }
}
