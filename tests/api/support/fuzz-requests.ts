// The fuzz test's requests. A FuzzPlan is plain data drawn by fast-check (which route, which method, which
// body, which credentials, how they are broken); buildRequests turns it into the HTTP request(s) to send,
// signing at send time so timestamps are fresh where the plan wants them fresh. Routes come from the
// registry's OpenAPI document, so a route added later is fuzzed without touching this file.
import fc from "fast-check";
import { DEVICE_AUTH_HEADERS, DEVICE_SESSION_SCHEME, OWNER_SESSION_COOKIE, PROTOCOL_VERSION, REGISTRY_API } from "../../../protocol/index.ts";
import { machineHash } from "../../../registry/devices/testing.ts";
import { newDevice, signFor, type ApiDevice } from "./device-requests.ts";
import { brokenValue, validValue, wrongValue, type JsonSchema } from "./schema-arbitrary.ts";

export type TargetAuth = "none" | "signed" | "session" | "owner";

/** FuzzTarget is one route (or plain path) of the registry. */
export interface FuzzTarget {
  method: string;
  /** The path with {name} placeholders. */
  template: string;
  auth: TargetAuth;
  bodySchema: JsonSchema | null;
  /** The route's body limit in bytes. */
  maxBody: number;
}

const KiB = 1024;
const DEFAULT_MAX_BODY = 256 * KiB;
const TELEMETRY_MAX_BODY = 1024 * KiB;

/** targetsFromOpenApi lists every operation of the document with its auth and body schema. */
export function targetsFromOpenApi(doc: { paths: Record<string, Record<string, { security?: Record<string, unknown>[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> }): FuzzTarget[] {
  const out: FuzzTarget[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      const auth: TargetAuth = scheme === "deviceSignature" ? "signed" : scheme === "deviceSession" ? "session" : scheme === "ownerSession" ? "owner" : "none";
      out.push({
        method: method.toUpperCase(),
        template,
        auth,
        bodySchema: op.requestBody?.content["application/json"]?.schema ?? null,
        maxBody: template === REGISTRY_API.telemetry ? TELEMETRY_MAX_BODY : DEFAULT_MAX_BODY,
      });
    }
  }
  return out;
}

/** PLAIN_TARGETS are the paths outside the JSON API, and some that exist nowhere. */
export const PLAIN_TARGETS: FuzzTarget[] = [
  ...[REGISTRY_API.installScript, REGISTRY_API.checksums, `${REGISTRY_API.downloads}/{file}`, REGISTRY_API.metrics, REGISTRY_API.health, REGISTRY_API.openapi].map((template) => ({ method: "GET", template, auth: "none" as const, bodySchema: null, maxBody: DEFAULT_MAX_BODY })),
  ...["/", "/api", "/api/v1", "/api/v1/devices", "/api/v1/devices/{x}", "/api/v1/regions/{x}", "/API/V1/REGIONS", "/api/v2/regions", "/downloads", "/downloads/{a}/{b}", "/{x}", "/{x}/{y}/{z}"].map((template) => ({
    method: "GET",
    template,
    auth: "none" as const,
    bodySchema: null,
    maxBody: DEFAULT_MAX_BODY,
  })),
];

/** FuzzContext is what the registry under test already holds: devices, sessions, owners, codes. */
export interface FuzzContext {
  targets: FuzzTarget[];
  /** Checked-in devices with their telemetry sessions. */
  devices: { device: ApiDevice; session: string }[];
  /** How many of devices (the first ones) signed requests and path params may use. Those get removed, banned
   *  and leave as the fuzz goes; the rest only send telemetry, so that path stays reachable the whole run. */
  exposedDevices: number;
  ownerCookie: string;
  operatorCookie: string;
  /** A cookie only sign-out may use, so the other sessions stay signed in. */
  throwawayCookie: string;
  /** Unused claim codes; a plan that wants one takes the next. */
  claimCodes: string[];
  /** Ids the registry knows (devices, offers, regions), for path params that reach past "unknown id". */
  knownIds: string[];
  /** Sign-in messages the registry issued for ownerAddress (single use, not yet used). */
  challenges: string[];
  ownerAddress: string;
  ownerPubKey: string;
}

// ---------------------------------------------------------------------------------------------------------
// Plans

export type BodyPlan =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "valid"; value: unknown; padToLimit: boolean }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: number[] }
  | { kind: "deep"; depth: number; open: string; close: string }
  | { kind: "sized"; size: "limit-1" | "limit" | "limit+1" | "4MiB+1" | "6MiB"; chunked: boolean };

export type SignedVariant =
  | "valid"
  | "replay"
  | "stale"
  | "future"
  | "other-body"
  | "other-path"
  | "other-method"
  | "bad-key-length"
  | "bad-key-base64"
  | "bad-sig-base64"
  | "short-sig"
  | "bad-nonce"
  | "bad-timestamp"
  | "partial"
  | "garbage";

export type AuthPlan =
  | { kind: "none" }
  | { kind: "signed"; variant: SignedVariant; device: number | "fresh"; skewMs: number; junk: string[]; drop: number }
  | { kind: "session"; variant: "valid" | "tampered" | "forged-expiry" | "other-scheme" | "garbage" | "empty"; device: number; junk: string }
  | { kind: "cookie"; variant: "owner" | "operator" | "garbage" | "many" | "empty"; origin: string | null; site: string | null; junk: string };

export interface FuzzPlan {
  target: number;
  method: string | null;
  params: string[];
  query: string;
  body: BodyPlan;
  contentType: string | null;
  auth: AuthPlan;
  /** For a check-in: use an unused claim code, the device's own machine id, a known region. */
  realClaimCode: boolean;
  ownMachine: boolean;
  /** A free choice among known values (which challenge, which region). */
  pick: number;
  extraHeaders: [string, string][];
}

/** headerText is text a header may carry (visible ASCII), as fetch would refuse CR, LF and NUL itself. */
const headerText = (max = 60) => fc.string({ unit: "grapheme-ascii", maxLength: max }).map((s) => s.replace(/[^\x21-\x7e]/g, "~"));

const ODD_PARAMS = ["%00", "%ff", "%FF%FE", "%zz", "%", "%%", "..", "%2e%2e", "a%2Fb", "%2F", ";x", "~", "*", "%ED%A0%80", "%C0%80", "%F0%9F%98%80", "%0D%0A", "%E2%80%AE", "a b", "'", '"', "<b>", "x".repeat(3000), "ah-aaaaaaaaaaaaaaaa", "auto", "null", "0", "-1", "1e308", "__proto__", "constructor"];
const CONTENT_TYPES = [null, "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x", "application/json; charset=utf-16", "*/*", "garbage", "application/octet-stream"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "patch", "PROPFIND", "FOO"];

function bodyPlan(target: FuzzTarget): fc.Arbitrary<BodyPlan> {
  const schema = target.bodySchema;
  const json = (arb: fc.Arbitrary<unknown>) => arb.map((value): BodyPlan => ({ kind: "json", value }));
  const options: fc.WeightedArbitrary<BodyPlan>[] = [
    { weight: 2, arbitrary: fc.constant({ kind: "none" }) },
    { weight: 3, arbitrary: json(fc.oneof(wrongValue, fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), wrongValue, { maxKeys: 5 }))) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((text): BodyPlan => ({ kind: "text", text })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
          // Invalid UTF-8 (lone continuation byte, overlong NUL, a UTF-8 encoded surrogate, a cut sequence, raw NUL) inside a JSON string.
          fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x00], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff]).map((bad) => [...Buffer.from('{"address":"'), ...bad, ...Buffer.from('","label":"x"}')]),
        )
        .map((bytes): BodyPlan => ({ kind: "bytes", bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(1_000, 10_000, 50_000, 100_000, 120_000, 400_000), fc.constantFrom(["[", "]"], ['{"a":', "}"], ['{"records":[', "]}"], ['{"hardware":{"cpu":', "}}"]))
        .map(([depth, [open, close]]): BodyPlan => ({ kind: "deep", depth, open: open!, close: close! })),
    },
    {
      weight: 1,
      arbitrary: fc.record({ size: fc.constantFrom("limit-1", "limit", "limit+1", "limit+1", "4MiB+1", "6MiB"), chunked: fc.boolean() }).map((s): BodyPlan => ({ kind: "sized", ...s })),
    },
  ];
  if (schema) {
    options.push(
      { weight: 6, arbitrary: validValue(schema).map((value): BodyPlan => ({ kind: "valid", value, padToLimit: false })) },
      // A valid body padded with whitespace to just under the route's limit: big, yet acceptable.
      { weight: 1, arbitrary: validValue(schema).map((value): BodyPlan => ({ kind: "valid", value, padToLimit: true })) },
      { weight: 6, arbitrary: json(brokenValue(schema)) },
    );
  }
  return fc.oneof(...options);
}

/** How many devices (from the first) may sign a request to target: any may ask for a session, which changes
 *  nothing; only exposed ones may check in or leave. */
function signingDevices(target: FuzzTarget, ctx: FuzzContext): number {
  return target.template === REGISTRY_API.deviceSession ? ctx.devices.length : ctx.exposedDevices;
}

/** A device for a session request: half the time one the fuzz cannot remove, so most sessions stay live. */
function sessionDeviceIndex(ctx: FuzzContext): fc.Arbitrary<number> {
  return fc.oneof(fc.nat(ctx.devices.length - 1), fc.integer({ min: ctx.exposedDevices, max: ctx.devices.length - 1 }));
}

function authPlan(target: FuzzTarget, ctx: FuzzContext): fc.Arbitrary<AuthPlan> {
  const sessionDevice = sessionDeviceIndex(ctx);
  const signed = fc.record({
    kind: fc.constant("signed" as const),
    variant: fc.constantFrom<SignedVariant>("valid", "valid", "valid", "valid", "replay", "stale", "future", "other-body", "other-path", "other-method", "bad-key-length", "bad-key-base64", "bad-sig-base64", "short-sig", "bad-nonce", "bad-timestamp", "partial", "garbage"),
    device: fc.oneof(fc.constant("fresh" as const), fc.nat(signingDevices(target, ctx) - 1)),
    skewMs: fc.oneof(fc.integer({ min: 300_001, max: 3_600_000 }), fc.constantFrom(300_001, 360_000, 10 ** 12, 10 ** 15)),
    junk: fc.array(headerText(), { minLength: 4, maxLength: 4 }),
    drop: fc.nat(3),
  });
  const session = fc.record({
    kind: fc.constant("session" as const),
    variant: fc.constantFrom("valid", "valid", "valid", "tampered", "forged-expiry", "other-scheme", "garbage", "empty"),
    device: sessionDevice,
    junk: headerText(200),
  });
  const cookie = fc.record({
    kind: fc.constant("cookie" as const),
    variant: fc.constantFrom("owner", "operator", "operator", "garbage", "many", "empty"),
    origin: fc.constantFrom(null, null, "same", "https://evil.example", "null", "garbage"),
    site: fc.constantFrom(null, null, "same-origin", "cross-site", "same-site", "none", "garbage"),
    junk: headerText(),
  });
  const none = fc.constant({ kind: "none" as const });
  const home = target.auth === "signed" ? signed : target.auth === "session" ? session : target.auth === "owner" ? cookie : none;
  return fc.oneof({ weight: 8, arbitrary: home as fc.Arbitrary<AuthPlan> }, { weight: 1, arbitrary: none }, { weight: 1, arbitrary: fc.oneof(signed, session, cookie) as fc.Arbitrary<AuthPlan> });
}

/** planArbitrary draws one request plan for the registry described by ctx. */
export function planArbitrary(ctx: FuzzContext): fc.Arbitrary<FuzzPlan> {
  const paramValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ctx.knownIds) },
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_PARAMS) },
  );
  const query = fc.oneof(
    { weight: 6, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: paramValue.map((v) => `?region=${v}`) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}&region=*`) },
    { weight: 1, arbitrary: fc.constantFrom("?", "?&&&", "?a=%ff", "?region=%00", "?region=test-west&region=x") },
  );
  const api = ctx.targets.map((t, i) => (t.template.startsWith("/api/v1/") ? i : -1)).filter((i) => i >= 0);
  const other = ctx.targets.map((_, i) => i).filter((i) => !api.includes(i));
  // The JSON API is where the parsing, auth and domain code is; the plain paths get a fifth of the requests.
  const targetIndex = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...api) }, { weight: 1, arbitrary: fc.constantFrom(...other) });
  const chaos = targetIndex.chain((target) => {
    const t = ctx.targets[target]!;
    const params = (t.template.match(/\{\w+\}/g) ?? []).length;
    return fc.record({
      target: fc.constant(target),
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      params: fc.array(paramValue, { minLength: params, maxLength: params }),
      query,
      body: bodyPlan(t),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      auth: authPlan(t, ctx),
      realClaimCode: fc.boolean(),
      ownMachine: fc.boolean(),
      pick: fc.nat(),
      extraHeaders: fc.array(fc.tuple(fc.constantFrom("x-forwarded-for", "x-real-ip", "accept", "accept-encoding", "x-akash-nonce", "range", "expect"), headerText()), { maxLength: 2 }),
    });
  });
  // Well-formed requests with odd-but-valid values: the route's method, its credentials done right, a body
  // its schema accepts. These get past the validators into the services and the store.
  const bodyRoutes = api.filter((i) => ctx.targets[i]!.bodySchema !== null || ctx.targets[i]!.auth !== "none");
  const wellFormed = fc.constantFrom(...bodyRoutes).chain((target) => {
    const t = ctx.targets[target]!;
    const params = (t.template.match(/\{\w+\}/g) ?? []).length;
    const auth: fc.Arbitrary<AuthPlan> =
      t.auth === "signed"
        ? fc.oneof(fc.constant<number | "fresh">("fresh"), fc.nat(signingDevices(t, ctx) - 1)).map((device): AuthPlan => ({ kind: "signed", variant: "valid", device, skewMs: 0, junk: [], drop: 0 }))
        : t.auth === "session"
          ? sessionDeviceIndex(ctx).map((device): AuthPlan => ({ kind: "session", variant: "valid", device, junk: "" }))
          : t.auth === "owner"
            ? fc
                .tuple(fc.constantFrom("owner" as const, "operator" as const), fc.constantFrom(null, "same"), fc.constantFrom(null, "same-origin"))
                .map(([variant, origin, site]): AuthPlan => ({ kind: "cookie", variant, origin, site, junk: "" }))
            : fc.constant<AuthPlan>({ kind: "none" });
    return fc.record({
      target: fc.constant(target),
      method: fc.constant<string | null>(null),
      params: fc.array(fc.constantFrom(...ctx.knownIds), { minLength: params, maxLength: params }),
      query: fc.constantFrom<string>("", "", "", "?region=test-east", "?region=*"),
      body: t.bodySchema ? validValue(t.bodySchema).map((value): BodyPlan => ({ kind: "valid", value, padToLimit: false })) : fc.constant<BodyPlan>({ kind: "none" }),
      contentType: fc.constant<string | null>("application/json"),
      auth,
      realClaimCode: fc.boolean(),
      ownMachine: fc.boolean(),
      pick: fc.nat(),
      extraHeaders: fc.constant<[string, string][]>([]),
    });
  });
  return fc.oneof<[fc.WeightedArbitrary<FuzzPlan>, fc.WeightedArbitrary<FuzzPlan>]>({ weight: 4, arbitrary: chaos }, { weight: 1, arbitrary: wellFormed });
}

// ---------------------------------------------------------------------------------------------------------
// Building requests

export interface BuiltRequest {
  method: string;
  path: string;
  /** The route's template, for counting answers per route. */
  route: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
  /** One line that says what this request was, for a failure message. */
  describe: string;
}

const encoder = new TextEncoder();
const MiB = 1024 * 1024;

function sizedBody(size: number): Uint8Array<ArrayBuffer> {
  // A JSON string of the exact size: well-formed, so only the size (or the schema) can refuse it.
  const bytes = new Uint8Array(size).fill(0x78);
  if (size >= 2) bytes[0] = bytes[size - 1] = 0x22;
  return bytes;
}

function chunkedStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  });
}

/** edgeCheckIn fills a valid check-in body with what reaches deeper: a real code, this machine, a real region. */
function edgeCheckIn(value: Record<string, unknown>, plan: FuzzPlan, ctx: FuzzContext, device: ApiDevice): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value, protocolVersion: PROTOCOL_VERSION };
  if (plan.realClaimCode) out.claimCode = ctx.claimCodes.pop() ?? out.claimCode;
  if (plan.ownMachine) out.machineIdHash = machineHash(device.machine);
  if (plan.realClaimCode && Array.isArray(out.rtts)) out.rtts = [...(out.rtts as unknown[]).slice(0, 3), { regionId: "test-west", rttMs: 5, error: null }, { regionId: "test-east", rttMs: 6, error: null }];
  if (plan.ownMachine && plan.pick % 3 !== 0) out.regionChoice = ["auto", "test-west", "test-east", "test-new"][plan.pick % 4]!;
  return out;
}

function bodyBytes(plan: FuzzPlan, target: FuzzTarget, ctx: FuzzContext, device: ApiDevice): Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null {
  const b = plan.body;
  switch (b.kind) {
    case "none":
      return null;
    case "json": {
      const text = JSON.stringify(b.value);
      return text === undefined ? null : encoder.encode(text);
    }
    case "valid": {
      let value = b.value;
      if (target.template === REGISTRY_API.checkIn && value && typeof value === "object") value = edgeCheckIn(value as Record<string, unknown>, plan, ctx, device);
      if (target.template === REGISTRY_API.authVerify && plan.realClaimCode && value && typeof value === "object") {
        // A real, unused challenge with the owner's own key and a signature that is not theirs: reaches the curve maths.
        const v = value as { signature: { pub_key: { value: string }; signature: string } };
        const sig = [Buffer.alloc(64, 0), Buffer.alloc(64, 0xff), Buffer.alloc(64, plan.pick % 256), Buffer.from(v.signature.signature)][plan.pick % 4]!;
        value = {
          ...v,
          address: ctx.ownerAddress,
          message: ctx.challenges[plan.pick % Math.max(1, ctx.challenges.length)] ?? "",
          signature: { pub_key: { type: "tendermint/PubKeySecp256k1", value: ctx.ownerPubKey }, signature: sig.toString("base64") },
        };
      }
      const text = JSON.stringify(value);
      const padded = b.padToLimit ? text + " ".repeat(Math.max(0, target.maxBody - 1 - encoder.encode(text).length)) : text;
      return encoder.encode(padded);
    }
    case "text":
      return encoder.encode(b.text);
    case "bytes":
      return new Uint8Array(b.bytes);
    case "deep":
      return encoder.encode(b.open.repeat(b.depth) + "1" + b.close.repeat(b.depth));
    case "sized": {
      const size = { "limit-1": target.maxBody - 1, limit: target.maxBody, "limit+1": target.maxBody + 1, "4MiB+1": 4 * MiB + 1, "6MiB": 6 * MiB }[b.size];
      const bytes = sizedBody(size);
      return b.chunked ? chunkedStream(bytes) : bytes;
    }
  }
}

function tamper(token: string): string {
  const i = token.length - 3;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** buildRequests makes the request(s) of a plan: one, or two for a replay. */
export async function buildRequests(plan: FuzzPlan, ctx: FuzzContext, baseUrl: string): Promise<BuiltRequest[]> {
  const target = ctx.targets[plan.target]!;
  let i = 0;
  const path = target.template.replace(/\{\w+\}/g, () => plan.params[i++] ?? "x") + plan.query;
  const method = plan.method ?? target.method;
  const a = plan.auth;
  const device = a.kind === "signed" && a.device !== "fresh" ? ctx.devices[a.device]!.device : newDevice();
  // fetch sends no body with GET or HEAD, nor (in Bun) with a method it does not know.
  let body = method === "GET" || method === "HEAD" || method === "FOO" ? null : bodyBytes(plan, target, ctx, device);
  const headers: Record<string, string> = {};
  if (plan.contentType) headers["content-type"] = plan.contentType;
  for (const [k, v] of plan.extraHeaders) headers[k] = v;
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);
  let replay = false;

  if (a.kind === "signed") {
    const pathWithQuery = new URL(baseUrl + path).pathname + new URL(baseUrl + path).search;
    const sign = (opts: Parameters<typeof signFor>[4] = {}, m = method) => signFor(device, m, pathWithQuery, bytes, opts);
    let h: Record<string, string>;
    switch (a.variant) {
      case "valid":
        h = await sign();
        break;
      case "replay":
        h = await sign();
        replay = true;
        break;
      case "stale":
        h = await sign({ now: Date.now() - a.skewMs });
        break;
      case "future":
        h = await sign({ now: Date.now() + a.skewMs });
        break;
      case "other-body":
        h = await sign({ signedBody: encoder.encode(JSON.stringify({ other: a.junk[0] })) });
        break;
      case "other-path":
        h = await sign({ signedPath: REGISTRY_API.deviceSession });
        break;
      case "other-method":
        h = await sign({}, method === "POST" ? "PUT" : "POST");
        break;
      case "bad-key-length":
        h = { ...(await sign()), [DEVICE_AUTH_HEADERS.key]: Buffer.alloc(a.drop === 0 ? 31 : a.drop === 1 ? 33 : 64 * a.drop, 7).toString("base64url") };
        break;
      case "bad-key-base64":
        h = { ...(await sign()), [DEVICE_AUTH_HEADERS.key]: ["+/+/" + device.key.publicKey.slice(4), device.key.publicKey + "==", device.key.publicKey.replace(/./, "!"), a.junk[0]!][a.drop]! };
        break;
      case "bad-sig-base64": {
        const good = await sign();
        h = { ...good, [DEVICE_AUTH_HEADERS.signature]: [good[DEVICE_AUTH_HEADERS.signature]! + "==", good[DEVICE_AUTH_HEADERS.signature]!.replace(/-/g, "+"), "*".repeat(86), a.junk[1]!][a.drop]! };
        break;
      }
      case "short-sig": {
        const good = await sign();
        h = { ...good, [DEVICE_AUTH_HEADERS.signature]: good[DEVICE_AUTH_HEADERS.signature]!.slice(0, 40 + a.drop * 10) };
        break;
      }
      case "bad-nonce":
        h = { ...(await sign()), [DEVICE_AUTH_HEADERS.nonce]: ["short", "x".repeat(65), "bad nonce with spaces", a.junk[2]!][a.drop]! };
        break;
      case "bad-timestamp":
        h = { ...(await sign()), [DEVICE_AUTH_HEADERS.timestamp]: ["-1", "1e12", String(Date.now()) + ".5", "99999999999999999", "0x1", a.junk[3]!][a.drop]! };
        break;
      case "partial": {
        h = await sign();
        delete h[Object.values(DEVICE_AUTH_HEADERS)[a.drop]!];
        break;
      }
      case "garbage":
        h = Object.fromEntries(Object.values(DEVICE_AUTH_HEADERS).map((name, k) => [name, a.junk[k]!]));
        break;
    }
    Object.assign(headers, h);
  } else if (a.kind === "session") {
    const token = ctx.devices[a.device]!.session;
    const [, id, , mac] = token.split(".");
    const value = {
      valid: `${DEVICE_SESSION_SCHEME} ${token}`,
      tampered: `${DEVICE_SESSION_SCHEME} ${tamper(token)}`,
      "forged-expiry": `${DEVICE_SESSION_SCHEME} ds1.${id}.${Date.now() + 10 ** 9}.${mac}`,
      "other-scheme": `Bearer ${token}`,
      garbage: `${DEVICE_SESSION_SCHEME} ${a.junk}`,
      empty: `${DEVICE_SESSION_SCHEME} `,
    }[a.variant];
    headers.authorization = value;
  } else if (a.kind === "cookie") {
    const value = {
      owner: target.template === REGISTRY_API.authSignOut ? ctx.throwawayCookie : ctx.ownerCookie,
      operator: target.template === REGISTRY_API.authSignOut ? ctx.throwawayCookie : ctx.operatorCookie,
      garbage: `${OWNER_SESSION_COOKIE}=${a.junk}`,
      many: `a=b; ${OWNER_SESSION_COOKIE}=; ${OWNER_SESSION_COOKIE}=${a.junk}; =x; ;;`,
      empty: `${OWNER_SESSION_COOKIE}=`,
    }[a.variant];
    headers.cookie = value;
    if (a.origin) headers.origin = a.origin === "same" ? baseUrl : a.origin;
    if (a.site) headers["sec-fetch-site"] = a.site;
    if (a.origin === "garbage") headers.origin = a.junk || "x";
  }
  if (body instanceof ReadableStream && replay) body = null;
  const describe = `${method} ${path.length > 160 ? path.slice(0, 160) + "…" : path} body=${plan.body.kind}${plan.body.kind === "sized" ? `(${plan.body.size}${plan.body.chunked ? ",chunked" : ""})` : plan.body.kind === "deep" ? `(${plan.body.depth}×${plan.body.open})` : ""} auth=${a.kind}${"variant" in a ? `/${a.variant}` : ""} ct=${plan.contentType}`;
  const one: BuiltRequest = { method, path, route: target.template, headers, body, describe };
  return replay ? [one, { ...one, describe: one.describe + " (replayed)" }] : [one];
}
