import { afterEach, describe, expect, test } from "bun:test";
import { sampleDoctorReport } from "../../tests/fixtures/reports.ts";
import { CONTENT_SECURITY_POLICY } from "./guard.ts";
import { SESSION_COOKIE } from "./session-cookie.ts";
import { ASSET_URLS } from "./static-routes.ts";
import { ORIGIN, PageClient } from "./testing/page-client.ts";
import { createTestBackend, type TestBackend } from "../backend/testing/test-backend.ts";
import { createWebApp } from "./web-app.ts";

let t: TestBackend;
afterEach(() => t?.cleanup());

function setup(opts: Parameters<typeof createTestBackend>[0] = { lastDoctor: sampleDoctorReport() }) {
  t = createTestBackend(opts);
  const app = createWebApp({ backend: t.backend, gate: t.gate, listen: "127.0.0.1:7777", log: t.log });
  return { app, client: new PageClient(app) };
}

const headerNames = (res: Response) => {
  const names: string[] = [];
  res.headers.forEach((_, name) => names.push(name));
  return names;
};

const raw = (app: { handle(r: Request): Promise<Response> }, path: string, init: RequestInit = {}) => app.handle(new Request(ORIGIN + path, { redirect: "manual", ...init }));

describe("createWebApp", () => {
  test("refuses to build for an address other machines could reach", () => {
    t = createTestBackend();
    expect(() => createWebApp({ backend: t.backend, gate: t.gate, listen: "0.0.0.0:7777", log: t.log })).toThrow(/must listen on loopback/);
  });

  test("building it starts nothing: no probe, no log line", () => {
    let probes = 0;
    t = createTestBackend({ runDoctor: async () => (probes++, sampleDoctorReport()) });
    createWebApp({ backend: t.backend, gate: t.gate, listen: "127.0.0.1:7777", log: t.log });
    expect(probes).toBe(0);
    expect(t.logs).toEqual([]);
  });
});

describe("Host allowlist", () => {
  test.each(["evil.com:7777", "127.0.0.1.evil.com", "127.0.0.1.evil.com:7777", "localhost:80"])("Host %s gets 403 'Host check failed' on every path", async (host) => {
    const { app, client } = setup();
    await client.signIn(t.gate);
    for (const path of ["/welcome", "/hardware", ASSET_URLS.css, "/healthz"]) {
      const res = await raw(app, path, { headers: { host, cookie: `${SESSION_COOKIE}=${client.cookie}` } });
      expect(res.status).toBe(403);
      expect(await res.text()).toStartWith("Host check failed");
    }
    expect(t.logs.some((l) => l.event === "request refused" && String(l.fields?.reason).startsWith("Host check failed"))).toBe(true);
  });

  test("a request without a Host header is refused", async () => {
    const { app } = setup();
    const res = await raw(app, "/welcome");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("no Host header");
  });

  test.each(["127.0.0.1:7777", "localhost:7777", "[::1]:7777"])("Host %s is served", async (host) => {
    const { app } = setup();
    expect((await raw(app, "/welcome", { headers: { host } })).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  test("a POST from another site (Sec-Fetch-Site: cross-site) is refused and changes nothing", async () => {
    const { client } = setup();
    await client.signIn(t.gate);
    const before = t.backend.status().setupStep;
    const res = await client.post("/hardware/continue", {}, { "sec-fetch-site": "cross-site", origin: "https://evil.com" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Cross-site request refused");
    expect(t.backend.status().setupStep).toBe(before);
  });

  test("a POST whose Origin does not match Host is refused when Sec-Fetch-Site is absent", async () => {
    const { app, client } = setup();
    await client.signIn(t.gate);
    const res = await raw(app, "/dashboard/leave", {
      method: "POST",
      headers: { host: "127.0.0.1:7777", origin: "https://evil.com", cookie: `${SESSION_COOKIE}=${client.cookie}`, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("does not match Host");
  });

  test("a cross-site POST cannot even try a setup code", async () => {
    const { client } = setup();
    const code = t.gate.currentCode()!;
    const res = await client.post("/welcome", { code }, { "sec-fetch-site": "cross-site", origin: "https://evil.com" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(t.gate.currentCode()).toBe(code);
  });

  test("an OPTIONS preflight gets no CORS headers", async () => {
    const { app } = setup();
    const res = await raw(app, "/welcome", { method: "OPTIONS", headers: { host: "127.0.0.1:7777", origin: "https://evil.com", "access-control-request-method": "POST" } });
    expect(res.status).toBe(403);
    expect(headerNames(res).filter((k) => k.startsWith("access-control-"))).toEqual([]);
  });

  test("an oversized body is refused before it is read", async () => {
    const { client } = setup();
    const res = await client.post("/welcome", { code: "x".repeat(70_000) }, { "content-length": String(75_000) });
    expect(res.status).toBe(413);
  });
});

describe("session", () => {
  test.each(["/", "/hardware", "/benchmark", "/claim", "/region", "/share", "/join", "/dashboard", "/hardware/progress", "/nowhere"])("GET %s without a session redirects to the welcome page", async (path) => {
    const { client } = setup();
    const res = await client.get(path);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/welcome");
  });

  test("htmx requests without a session are sent to welcome with HX-Location", async () => {
    const { client } = setup();
    const res = await client.get("/benchmark/progress", { "hx-request": "true" });
    expect(res.headers.get("hx-location")).toBe("/welcome");
  });

  test("a POST without a session changes nothing", async () => {
    const { client } = setup();
    const res = await client.post("/hardware/continue");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/welcome");
    expect(t.backend.status().setupStep).toBe("welcome");
  });

  test("a made-up session cookie is not a session", async () => {
    const { client } = setup();
    client.cookie = "forged-token";
    expect((await client.get("/hardware")).headers.get("location")).toBe("/welcome");
  });

  test("the right code starts a session with an HttpOnly, SameSite=Strict cookie and moves on to the hardware step", async () => {
    const { client } = setup();
    const res = await client.signIn(t.gate);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/hardware");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    expect((await client.get("/hardware")).status).toBe(200);
    expect(t.backend.status().setupStep).toBe("hardware");
  });

  test("the code works once", async () => {
    const { client } = setup();
    const code = t.gate.currentCode()!;
    await client.signIn(t.gate);
    const second = new PageClient(createWebApp({ backend: t.backend, gate: t.gate, listen: "127.0.0.1:7777", log: t.log }));
    const res = await second.post("/welcome", { code });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("a wrong code is refused inline, says where to find the right one, and is not logged", async () => {
    const { client } = setup();
    const res = await client.post("/welcome", { code: "WXYZ-2345" });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("sudo akash-home status");
    expect(html).toContain('aria-invalid="true"');
    expect(JSON.stringify(t.logs)).not.toContain("WXYZ");
    expect(JSON.stringify(t.logs)).not.toContain(t.gate.currentCode()!);
  });

  test("an empty code asks for one without using up a try", async () => {
    const { client } = setup();
    const res = await client.post("/welcome", { code: "  " });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Enter the setup code");
  });

  test("?code= only fills the field; nothing is signed in until the owner presses the button", async () => {
    const { client } = setup();
    const code = t.gate.currentCode()!;
    const res = await client.get(`/welcome?code=${code}`);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain(`value="${code}"`);
    expect(t.gate.currentCode()).toBe(code);
  });

  test("a hostile ?code= stays inside the value attribute", async () => {
    const { client } = setup();
    const html = await (await client.get(`/welcome?code=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    // The quote is escaped, so the attribute cannot be closed; < inside a quoted attribute is inert text.
    expect(html).toContain('value="&#34;><script>alert(1)</script>"');
    expect(html).not.toContain('value=""><script>');
  });

  test("signing out ends the session", async () => {
    const { client } = setup();
    await client.signIn(t.gate);
    const res = await client.post("/signout");
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await client.get("/hardware")).headers.get("location")).toBe("/welcome");
  });
});

describe("headers on every response", () => {
  const expectSecurityHeaders = (res: Response) => {
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(headerNames(res).filter((k) => k.startsWith("access-control-"))).toEqual([]);
  };

  test("pages, redirects, refusals, errors and 404s carry the security headers and no-store", async () => {
    const { app, client } = setup();
    const responses = [
      await client.get("/welcome"),
      await client.get("/hardware"),
      await raw(app, "/welcome", { headers: { host: "evil.com:7777" } }),
      await client.post("/welcome", {}, { "sec-fetch-site": "cross-site" }),
    ];
    await client.signIn(t.gate);
    responses.push(await client.get("/hardware"), await client.get("/nowhere"), await client.get("/static/nothing.css"));
    for (const res of responses) {
      expectSecurityHeaders(res);
      if (!res.headers.get("content-type")?.startsWith("text/css")) expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("static assets are embedded, typed, fingerprinted and cached for long", async () => {
    const { client } = setup();
    for (const [url, type, marker] of [
      [ASSET_URLS.css, "text/css", "--brand"],
      [ASSET_URLS.htmx, "text/javascript", "htmx"],
      [ASSET_URLS.icon, "image/svg+xml", "<svg"],
    ] as const) {
      expect(url).toMatch(/^\/static\/[a-z]+\.[0-9a-f]{12}\.[a-z.]+$/);
      const res = await client.get(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toStartWith(type);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expectSecurityHeaders(res);
      expect(await res.text()).toContain(marker);
    }
  });

  test("the page loads only its own script and style, configures htmx by meta tag and has no inline script", async () => {
    const { client } = setup();
    const html = await (await client.get("/welcome")).text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain(`<script src="${ASSET_URLS.htmx}" defer></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${ASSET_URLS.css}"/>`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toContain("https://");
    const meta = /<meta name="htmx-config" content="([^"]+)"/.exec(html)![1]!.replaceAll("&#34;", '"');
    expect(JSON.parse(meta)).toMatchObject({ selfRequestsOnly: true, allowScriptTags: false, allowEval: false });
  });

  test("/healthz answers without a session", async () => {
    const { client } = setup();
    const res = await client.get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });
});

describe("errors", () => {
  test("an unexpected failure shows a friendly page without a stack trace and logs the cause", async () => {
    const { client } = setup();
    await client.signIn(t.gate);
    t.backend.status = () => {
      throw new Error("disk on fire at /secret/path.ts:12");
    };
    const res = await client.get("/hardware");
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain("Something went wrong");
    expect(html).not.toContain("disk on fire");
    expect(html).not.toContain(".ts:");
    const logged = t.logs.find((l) => l.event === "page error");
    expect(logged?.fields?.error).toBe("disk on fire at /secret/path.ts:12");
  });

  test("for htmx, the error replaces the page's main area, not a polling partial", async () => {
    const { client } = setup();
    await client.signIn(t.gate);
    const res = await client.get("/nowhere", { "hx-request": "true" });
    expect(res.status).toBe(404);
    expect(res.headers.get("hx-retarget")).toBe("#main");
    expect(await res.text()).toContain("Page not found");
  });
});
