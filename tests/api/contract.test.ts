// The registry's API contract as clients and operators meet it, against real registry processes: the OpenAPI
// document covers every route the server declares, /metrics is Prometheus text, /healthz is JSON, every
// refusal (404, 405, 413, 429, 401, 403) carries the error envelope, rate limits hold per address and per
// device, owner routes need a session and refuse other sites, and operator actions are checked and audited.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { ErrorEnvelope, HealthReport, REGISTRY_API, type AuditLog, type DeviceView, type TelemetryAck } from "../../protocol/index.ts";
import { adminRoutes } from "../../registry/http/admin-routes.ts";
import { deviceRoutes } from "../../registry/http/device-routes.ts";
import { earningsRoutes } from "../../registry/http/earnings-routes.ts";
import { ownerRoutes } from "../../registry/http/owner-routes.ts";
import { portalRoutes } from "../../registry/http/portal-routes.ts";
import { regionRoutes } from "../../registry/http/region-routes.ts";
import type { RouteDef } from "../../registry/http/route.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { checkIn, heartbeat, newDevice, sessionFetch } from "./support/device-requests.ts";

// The route lists the server is built from; their handlers never run here, so their dependencies can be empty.
const ROUTES: RouteDef[] = [...regionRoutes({} as never), ...deviceRoutes({} as never), ...ownerRoutes({} as never), ...adminRoutes({} as never), ...portalRoutes({} as never), ...earningsRoutes({} as never)];

let registry: RegistryProcess;
let operator: TestOwner;
let owner: TestOwner;

beforeAll(async () => {
  const opWallet = await newOwnerWallet();
  registry = await startRegistryProcess({ regionsYaml: oneRegionYaml({ admission: "approval", admins: [opWallet.address] }), flags: ["--ip-rate", "0", "--device-rate", "0"] });
  operator = await signInOwner(registry.url, opWallet);
  owner = await signInOwner(registry.url);
}, 30_000);

afterAll(async () => {
  await registry?.stop();
}, 30_000);

/** envelope reads a refusal and checks it is the error envelope. */
async function envelope(res: Response): Promise<{ status: number; code: string; message: string; fix?: string }> {
  expect(res.headers.get("content-type")).toStartWith("application/json");
  const parsed = v.parse(ErrorEnvelope, await res.json());
  expect(parsed.error.message.length).toBeGreaterThan(0);
  return { status: res.status, ...parsed.error };
}

const fill = (path: string) => path.replace(/:\w+/g, "x");

// First in the file: later, with more connections in this process's pool, fetch may close them itself and hide a hang.
test("after refusing bodies it left unread (over the limit, on an unknown path, with a bad query), the registry still stops at once", async () => {
  const other = await startRegistryProcess({ flags: ["--ip-rate", "0"] });
  let stopped = false;
  try {
    // Bodies of a few hundred KiB are the ones Bun would otherwise leave waiting in the socket.
    const body = () => new Uint8Array(300_000).fill(0x20);
    // Sent at once, each goes on its own kept-alive connection and is the last thing on it.
    const paths = [REGISTRY_API.authChallenge, "/nope", REGISTRY_API.health, `${REGISTRY_API.telemetry}?region=%00`];
    await Promise.all(
      paths.map(async (path) => {
        const res = await fetch(other.url + path, { method: "POST", body: body() });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.status, path).toBeLessThan(500);
        await res.arrayBuffer();
      }),
    );
    const started = performance.now();
    await other.stop();
    stopped = true;
    expect(performance.now() - started).toBeLessThan(5_000);
  } finally {
    if (!stopped) await other.stop();
  }
}, 45_000);

describe("OpenAPI document", () => {
  type Operation = {
    summary?: string;
    parameters?: { name: string; in: string; required: boolean }[];
    security?: Record<string, string[]>[];
    requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
    responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, any> }> }>;
  };
  let doc: { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

  beforeAll(async () => {
    const res = await fetch(registry.url + REGISTRY_API.openapi);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    doc = await res.json();
  });

  test("is an OpenAPI 3 document with a title, a version and paths", () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title.length).toBeGreaterThan(0);
    expect(doc.info.version.length).toBeGreaterThan(0);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  test("describes every route the server declares, and nothing else", () => {
    const declared = ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(declared);
  });

  test("each operation has a summary, its path params, its security, a body schema where it takes a body, and enveloped errors", () => {
    for (const r of ROUTES) {
      const path = r.path.replace(/:(\w+)/g, "{$1}");
      const op = doc.paths[path]![r.method.toLowerCase()]!;
      const where = `${r.method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      for (const [, name] of r.path.matchAll(/:(\w+)/g)) expect(op.parameters, where).toContainEqual(expect.objectContaining({ name, in: "path", required: true }));
      if (r.auth === "none") expect(op.security, where).toBeUndefined();
      else for (const scheme of Object.keys(op.security?.[0] ?? { missing: [] })) expect(doc.components.securitySchemes, where).toHaveProperty(scheme);
      if (r.body) {
        expect(op.requestBody?.required, where).toBe(true);
        expect(op.requestBody?.content["application/json"]?.schema, where).toMatchObject({ type: "object" });
      } else {
        expect(op.requestBody, where).toBeUndefined();
      }
      expect(op.responses["200"], where).toBeDefined();
      if (r.response) expect(op.responses["200"]!.content?.["application/json"]?.schema, where).toBeDefined();
      for (const status of ["400", "401", "403", "404", "413", "429"]) {
        const schema = op.responses[status]?.content?.["application/json"]?.schema;
        expect(schema, `${where} ${status}`).toMatchObject({ type: "object", required: ["error"], properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" }, fix: { type: "string" } } } } });
        expect(schema!.properties.error.required, `${where} ${status}`).toEqual(expect.arrayContaining(["code", "message"]));
      }
    }
  });

  test("a POST body schema names the same required fields the registry enforces", async () => {
    const checkInSchema = doc.paths[REGISTRY_API.checkIn]!.post!.requestBody!.content["application/json"]!.schema as { required: string[] };
    expect(checkInSchema.required).toEqual(expect.arrayContaining(["protocolVersion", "claimCode", "machineIdHash", "hardware", "rtts", "regionChoice"]));
    // What the document calls required, the registry refuses to go without, and says which field.
    const res = await fetch(registry.url + REGISTRY_API.authChallenge, { method: "POST", body: "{}" });
    const r = await envelope(res);
    expect(r).toMatchObject({ status: 400, code: "invalid_body" });
    expect(r.message).toContain("body.address");
    const required = (doc.paths[REGISTRY_API.authChallenge]!.post!.requestBody!.content["application/json"]!.schema as { required: string[] }).required;
    expect(required).toEqual(["address"]);
  });
});

describe("/healthz and /metrics", () => {
  test("/healthz answers JSON the HealthReport schema accepts", async () => {
    const res = await fetch(registry.url + REGISTRY_API.health);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(v.parse(HealthReport, await res.json())).toMatchObject({ ok: true, store: "sqlite" });
  });

  test("/metrics is Prometheus text with device, HTTP and telemetry series that follow what happened", async () => {
    const device = newDevice();
    const session = (await checkIn(registry.url, device, await owner.claimCode())).session.token;
    for (let i = 0; i < 3; i++) expect((await fetch(registry.url + REGISTRY_API.regions)).status).toBe(200);
    const ack = (await (await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1), heartbeat(2)] })).json()) as TelemetryAck;
    expect(ack.stored).toBe(2);

    const res = await fetch(registry.url + REGISTRY_API.metrics);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const label = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*"`;
    const sample = new RegExp(String.raw`^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{${label}(?:,${label})*\})? -?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|NaN|\+Inf|-Inf)$`);
    const comment = /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;
    const lines = text.split("\n").slice(0, -1);
    for (const line of lines) expect(line.startsWith("#") ? comment.test(line) : sample.test(line), line).toBe(true);

    const value = (series: string) => {
      const line = lines.find((l) => l.startsWith(series + " "));
      expect(line, series).toBeDefined();
      return Number(line!.slice(series.length + 1));
    };
    // The device is waiting for approval; the telemetry it sent was counted.
    expect(value('akash_home_devices{state="pending_approval"}')).toBeGreaterThanOrEqual(1);
    expect(value("akash_home_telemetry_records_total")).toBeGreaterThanOrEqual(2);
    expect(value('akash_home_http_requests_total{route="GET /api/v1/regions",status="200"}')).toBeGreaterThanOrEqual(3);
    expect(value('akash_home_http_requests_total{route="POST /api/v1/devices/telemetry",status="200"}')).toBeGreaterThanOrEqual(1);
  });
});

describe("refusals carry the error envelope", () => {
  test("an unknown path is a 404 that points at the OpenAPI document", async () => {
    for (const path of ["/nope", "/api/v1/nope", "/api/v1/regions/x/y"]) {
      const r = await envelope(await fetch(registry.url + path));
      expect(r).toMatchObject({ status: 404, code: "not_found" });
      expect(r.fix).toContain("/api/openapi.json");
    }
  });

  test("a wrong method is a 405 naming the right one, on fixed paths and paths with params alike", async () => {
    for (const [method, path, allowed] of [
      ["PUT", REGISTRY_API.regions, "GET"],
      ["GET", REGISTRY_API.checkIn, "POST"],
      ["DELETE", REGISTRY_API.health, "GET"],
      ["GET", fill(REGISTRY_API.adminApprove), "POST"],
      ["POST", `${REGISTRY_API.downloads}/akash-home-linux-x64`, "GET"],
    ] as const) {
      const res = await fetch(registry.url + path, { method });
      const r = await envelope(res);
      expect(r, `${method} ${path}`).toMatchObject({ status: 405, code: "method_not_allowed" });
      expect(r.fix).toContain(allowed);
      expect(res.headers.get("allow")).toContain(allowed);
    }
  });

  test("a body over the route's limit is a 413, whether its length is declared, chunked, or far over any limit", async () => {
    const limit = 256 * 1024;
    const chunked = (size: number) =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let sent = 0; sent < size; sent += 64 * 1024) c.enqueue(new Uint8Array(Math.min(64 * 1024, size - sent)).fill(0x20));
          c.close();
        },
      });
    for (const body of [new Uint8Array(limit + 1).fill(0x20), chunked(limit + 1), new Uint8Array(5 * 1024 * 1024).fill(0x20)]) {
      const res = await fetch(registry.url + REGISTRY_API.authChallenge, { method: "POST", body, duplex: "half" } as RequestInit);
      const r = await envelope(res);
      expect(r).toMatchObject({ status: 413, code: "body_too_large" });
      expect(r.message).toContain(String(limit));
    }
    // Just under the limit is read and judged on its content.
    const under = JSON.stringify({ address: "x" }).padEnd(limit - 1, " ");
    expect(await envelope(await fetch(registry.url + REGISTRY_API.authChallenge, { method: "POST", body: under }))).toMatchObject({ status: 400, code: "invalid_body" });
  });

  test("a NUL character in any text — a body field, a path parameter, the query — is a 400 that names where it is", async () => {
    const inBody = await fetch(registry.url + REGISTRY_API.authChallenge, { method: "POST", body: JSON.stringify({ address: "akash1\u0000" }) });
    const r = await envelope(inBody);
    expect(r).toMatchObject({ status: 400, code: "nul_character" });
    expect(r.message).toContain("body.address");
    const inLabel = await owner.call("POST", REGISTRY_API.claimCodes, { label: "home\u0000pc" });
    expect(await envelope(inLabel)).toMatchObject({ status: 400, code: "nul_character" });
    const inParam = await operator.call("POST", REGISTRY_API.adminApprove.replace(":id", "ah-%00"), {});
    expect(await envelope(inParam)).toMatchObject({ status: 400, code: "nul_character", message: expect.stringContaining("path parameter id") });
    const inQuery = await operator.call("GET", `${REGISTRY_API.adminAudit}?region=test-west%00`);
    expect(await envelope(inQuery)).toMatchObject({ status: 400, code: "nul_character" });
    // The escape spelled out as text (a backslash, then u0000) is no NUL and passes.
    const spelled = await owner.call("POST", REGISTRY_API.claimCodes, { label: "\\u0000" });
    expect(spelled.status).toBe(200);
  });

  test("telemetry has its own, larger limit: a 900 KiB batch is taken, one over 1 MiB is a 413", async () => {
    const session = (await checkIn(registry.url, newDevice(), await owner.claimCode())).session.token;
    const records = Array.from({ length: 500 }, (_, i) => heartbeat(i + 1));
    const body = JSON.stringify({ records }).padEnd(900 * 1024, " ");
    const headers = { authorization: `AkashDevice ${session}`, "content-type": "application/json" };
    const ok = await fetch(registry.url + REGISTRY_API.telemetry, { method: "POST", headers, body });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as TelemetryAck).stored).toBe(500);
    const over = await fetch(registry.url + REGISTRY_API.telemetry, { method: "POST", headers, body: body.padEnd(1024 * 1024 + 1, " ") });
    expect(await envelope(over)).toMatchObject({ status: 413, code: "body_too_large" });
  });
});

describe("owner routes", () => {
  test("every owner and operator route without a session cookie is a 401 signed_out", async () => {
    const guarded = ROUTES.filter((r) => r.auth === "owner" || r.auth === "operator");
    expect(guarded.length).toBeGreaterThan(5);
    for (const r of guarded) {
      for (const cookie of [undefined, "akash_home_session=", "akash_home_session=forged-token", "other=1"]) {
        const res = await fetch(registry.url + fill(r.path), { method: r.method, headers: cookie ? { cookie, "content-type": "application/json" } : { "content-type": "application/json" }, body: r.method === "GET" ? undefined : "{}" });
        expect(await envelope(res), `${r.method} ${r.path} cookie=${cookie}`).toMatchObject({ status: 401, code: "signed_out" });
      }
    }
  });

  test("a state-changing request from another site is a 403 cross_site; the same from the portal's own origin works", async () => {
    const foreign: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "garbage" }];
    for (const headers of foreign) {
      expect(await envelope(await owner.call("POST", REGISTRY_API.claimCodes, {}, headers)), JSON.stringify(headers)).toMatchObject({ status: 403, code: "cross_site" });
    }
    // Signing out from another site must not work either: the session survives.
    expect(await envelope(await owner.call("POST", REGISTRY_API.authSignOut, undefined, { origin: "https://evil.example" }))).toMatchObject({ status: 403, code: "cross_site" });
    expect((await owner.call("GET", REGISTRY_API.ownerSession)).status).toBe(200);
    expect((await owner.call("POST", REGISTRY_API.claimCodes, {}, { origin: registry.url, "sec-fetch-site": "same-origin" })).status).toBe(200);
    // Reading is not state-changing: a GET with a foreign Origin is answered.
    expect((await owner.call("GET", REGISTRY_API.claimCodes, undefined, { origin: "https://evil.example" })).status).toBe(200);
  });
});

describe("operator routes", () => {
  let pending: string;

  beforeAll(async () => {
    const device = newDevice();
    const answer = await checkIn(registry.url, device, await owner.claimCode());
    expect(answer.device.state).toBe("pending_approval");
    pending = device.key.id;
  });

  test("an owner who operates no region is refused with 403 on every operator route", async () => {
    const attempts: [string, string, unknown][] = [
      ["POST", REGISTRY_API.adminApprove.replace(":id", pending), { reason: "let me in" }],
      ["GET", REGISTRY_API.adminWaitlists, undefined],
      ["GET", REGISTRY_API.adminAudit, undefined],
      ["POST", REGISTRY_API.adminOperatorOffers.replace(":id", "test-west"), { owner: owner.address }],
    ];
    for (const [method, path, body] of attempts) {
      expect(await envelope(await owner.call(method, path, body)), `${method} ${path}`).toMatchObject({ status: 403, code: "not_operator" });
    }
    // The refused approval changed nothing.
    const list = (await (await owner.call("GET", REGISTRY_API.ownerDevices)).json()) as { devices: DeviceView[] };
    expect(list.devices.find((d) => d.deviceId === pending)?.state).toBe("pending_approval");
  });

  test("an operator approves a pending device in an approval region, and the action is in the audit log", async () => {
    const res = await operator.call("POST", REGISTRY_API.adminApprove.replace(":id", pending), { reason: "known owner" });
    expect(res.status).toBe(200);
    expect((await res.json()) as DeviceView).toMatchObject({ deviceId: pending, state: "assigned", region: { id: "test-west" } });
    const again = await operator.call("POST", REGISTRY_API.adminApprove.replace(":id", pending), {});
    expect(await envelope(again)).toMatchObject({ status: 409, code: "not_pending" });

    const audit = (await (await operator.call("GET", REGISTRY_API.adminAudit)).json()) as AuditLog;
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: operator.address, action: "device.approve", target: pending, regionId: "test-west", detail: "known owner" }));
    const ofRegion = (await (await operator.call("GET", `${REGISTRY_API.adminAudit}?region=test-west`)).json()) as AuditLog;
    expect(ofRegion.entries.map((e) => e.target)).toContain(pending);
    // The owner sees the decision too.
    const list = (await (await owner.call("GET", REGISTRY_API.ownerDevices)).json()) as { devices: DeviceView[] };
    expect(list.devices.find((d) => d.deviceId === pending)?.state).toBe("assigned");
  });
});

describe("rate limits", () => {
  test("per address: with --ip-rate 1 a burst to /api/v1/regions gets 429 with Retry-After and the envelope; other addresses are not held up", async () => {
    const limited = await startRegistryProcess({ flags: ["--ip-rate", "1", "--trust-proxy"] });
    try {
      const from = (ip: string) => fetch(limited.url + REGISTRY_API.regions, { headers: { "x-forwarded-for": ip } });
      const burst: Response[] = [];
      for (let i = 0; i < 8; i++) burst.push(await from("203.0.113.7"));
      expect(burst.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
      const refused = burst.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      for (const r of refused) {
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(await envelope(r)).toMatchObject({ status: 429, code: "rate_limited" });
      }
      expect((await from("203.0.113.8")).status).toBe(200);
      // Health checks are not rate limited.
      expect((await fetch(limited.url + REGISTRY_API.health, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(200);
      // After the time Retry-After names, the address is served again.
      await Bun.sleep(Number(refused.at(-1)!.headers.get("retry-after")) * 1000);
      expect((await from("203.0.113.7")).status).toBe(200);
    } finally {
      await limited.stop();
    }
  }, 20_000);

  test("per device: with --device-rate 1 a burst of telemetry gets 429 with Retry-After and the envelope; other devices are not held up", async () => {
    const limited = await startRegistryProcess({ flags: ["--ip-rate", "0", "--device-rate", "1"] });
    try {
      const limitedOwner = await signInOwner(limited.url);
      const busy = (await checkIn(limited.url, newDevice(), await limitedOwner.claimCode())).session.token;
      const quiet = (await checkIn(limited.url, newDevice(), await limitedOwner.claimCode())).session.token;
      const statuses: number[] = [];
      let refused: Response | null = null;
      for (let seq = 1; seq <= 25; seq++) {
        const res = await sessionFetch(limited.url, busy, "POST", REGISTRY_API.telemetry, { records: [heartbeat(seq)] });
        statuses.push(res.status);
        if (res.status === 429) refused = res;
        else await res.arrayBuffer();
      }
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
      expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const r = await envelope(refused!);
      expect(r).toMatchObject({ status: 429, code: "rate_limited" });
      expect(r.fix).toContain("heartbeatIntervalS");
      expect((await sessionFetch(limited.url, quiet, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1)] })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  }, 20_000);
});
