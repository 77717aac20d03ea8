// The portal's HTML pages and forms under fire: random path parameters (unknown, huge, percent-encoded
// junk, NUL), random query strings and form bodies, with and without a session, same-site and cross-site,
// asking for HTML or for JSON. tests/api/fuzz.test.ts covers the JSON API from the OpenAPI document; the
// pages are not in it, so they get their own run here. Every answer must be below 500; a refusal to a
// client that does not ask for HTML must carry the error envelope.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import * as v from "valibot";
import { ErrorEnvelope, PORTAL_PAGES } from "../../protocol/index.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { checkIn, newDevice } from "./support/device-requests.ts";

const RUNS = Number(process.env.AKASH_HOME_FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.AKASH_HOME_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let registry: RegistryProcess;
let owner: TestOwner;
let operator: TestOwner;
let deviceId: string;
let code: string;

beforeAll(async () => {
  const op = await newOwnerWallet();
  registry = await startRegistryProcess({ regionsYaml: oneRegionYaml({ admins: [op.address] }), flags: ["--ip-rate", "0", "--device-rate", "0"] });
  owner = await signInOwner(registry.url);
  operator = await signInOwner(registry.url, op);
  code = await owner.claimCode();
  const device = newDevice();
  await checkIn(registry.url, device, code);
  deviceId = device.key.id;
}, 30_000);

afterAll(async () => {
  await registry?.stop();
});

const PAGES = Object.values(PORTAL_PAGES);
const POSTABLE = new Set<string>([PORTAL_PAGES.signIn, PORTAL_PAGES.signInVerify, PORTAL_PAGES.signOut, PORTAL_PAGES.deviceAction, PORTAL_PAGES.devicesBulk, PORTAL_PAGES.claimCodes, PORTAL_PAGES.payoutAddress, PORTAL_PAGES.offerDecision, PORTAL_PAGES.adminDeviceAction, PORTAL_PAGES.adminOffer]);

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("%00", "%E0%A4%A", "..%2F..", "%25", "x".repeat(5000), "akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "pause", "remove", "accept", "test-west", "*", "<script>"),
);

const plan = fc.record({
  page: fc.constantFrom(...PAGES),
  params: fc.array(junk, { minLength: 3, maxLength: 3 }),
  knownId: fc.boolean(),
  method: fc.constantFrom("GET", "POST", "GET", "POST", "PUT"),
  query: fc.array(fc.tuple(fc.constantFrom("state", "region", "gpu", "owner", "agentVersion", "text", "page", "next", "notice", "code", "show", "denom", "device", "epoch", "at"), junk), { maxLength: 4 }),
  form: fc.array(fc.tuple(fc.constantFrom("address", "message", "signature", "next", "label", "action", "reason", "owner", "device", "back"), junk), { maxLength: 4 }),
  who: fc.constantFrom("none", "owner", "operator", "garbage"),
  site: fc.constantFrom("same-origin", "cross-site", null),
  html: fc.boolean(),
  htmx: fc.boolean(),
});

test("every page and form answers below 500, and refuses programs with the error envelope", async () => {
  const plans = fc.sample(plan, { numRuns: RUNS, seed: SEED });
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < plans.length) {
        const p = plans[next++]!;
        let i = 0;
        const path = p.page.replace(/:(\w+)/g, (_, name: string) => {
          const value = p.knownId && name === "id" ? deviceId : p.knownId && name === "code" ? code : p.params[i++ % 3]!;
          return name === "action" && p.knownId ? "pause" : encodeURIComponent(value).replace(/%25(00|E0)/g, "%$1");
        });
        const query = p.query.map(([k, val]) => `${k}=${encodeURIComponent(val)}`).join("&");
        const cookie = p.who === "owner" ? owner.cookie : p.who === "operator" ? operator.cookie : p.who === "garbage" ? "akash_home_session=nonsense" : undefined;
        const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(p.site ? { "sec-fetch-site": p.site } : {}), accept: p.html ? "text/html" : "application/json", ...(p.htmx ? { "hx-request": "true" } : {}) };
        const method = p.method === "POST" && !POSTABLE.has(p.page) ? "GET" : p.method;
        const body = method === "GET" ? undefined : new URLSearchParams(p.form).toString();
        if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
        const res = await fetch(`${registry.url}${path}${query ? `?${query}` : ""}`, { method, headers, body, redirect: "manual" });
        const text = await res.text();
        const where = `${method} ${path.slice(0, 120)}?${query.slice(0, 120)} (${p.who}, ${p.html ? "html" : "json"})`;
        if (res.status >= 500) failures.push(`${where}: ${res.status} ${text.slice(0, 200)}`);
        else if (res.status >= 400 && !p.html && !p.htmx) {
          let ok = false;
          try {
            ok = v.safeParse(ErrorEnvelope, JSON.parse(text)).success;
          } catch {}
          if (!ok) failures.push(`${where}: ${res.status} without the envelope: ${text.slice(0, 120)}`);
        }
      }
    }),
  );
  const causes = registry
    .output()
    .split("\n")
    .filter((l) => l.includes('"event":"request_failed"'))
    .slice(0, 5);
  expect({ seed: SEED, failures: failures.slice(0, 10), causes }).toEqual({ seed: SEED, failures: [], causes: [] });
}, 120_000);
