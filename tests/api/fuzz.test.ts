// The registry under fire: 10,000 requests drawn by fast-check against every route of the running registry
// process (the OpenAPI document's operations, the plain paths, paths that do not exist) — wrong types, missing
// fields, bodies around and far over the limits, JSON nested 100k deep, invalid UTF-8, lone surrogates, NUL
// bytes, wrong content types and methods, broken and replayed device signatures, forged sessions and cookies,
// odd path params — mixed with properly signed requests carrying odd-but-valid values, so the fuzz reaches
// the services and the store and not only the validators. The registry must answer every one with a 2xx or a
// 4xx that carries the error envelope, never a 5xx, and still serve a normal device afterwards.
// Reproduce a run with AKASH_HOME_FUZZ_SEED=<seed printed at the end>; AKASH_HOME_FUZZ_RUNS changes the count.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import * as v from "valibot";
import { ErrorEnvelope, REGISTRY_API, type CheckInResponse, type OperatorOffer, type TelemetryAck } from "../../protocol/index.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { startPostgres, type PostgresServer } from "../support/postgres.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { checkIn, heartbeat, newDevice, sessionFetch } from "./support/device-requests.ts";
import { PLAIN_TARGETS, buildRequests, planArbitrary, targetsFromOpenApi, type BuiltRequest, type FuzzContext } from "./support/fuzz-requests.ts";

const RUNS = Number(process.env.AKASH_HOME_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.AKASH_HOME_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 32;
const EXPOSED_DEVICES = 8;
/** The stores under the registry: both by default; AKASH_HOME_FUZZ_DB=sqlite or =postgres runs one. */
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !process.env.AKASH_HOME_FUZZ_DB || process.env.AKASH_HOME_FUZZ_DB === e);

function regionsYaml(admin: string): string {
  const region = (id: string, extra: string) => `  - id: ${id}
    name: ${id}
    locationRegion: na-us-west
    countries: [US]
    latitude: 45.5
    longitude: -122.6
    probeUrl: \${REGISTRY_URL}/healthz
${extra}`;
  const cluster = '    kubeconfig: /dev/null\n    headscale: { url: "http://127.0.0.1:9", apiKeyFile: /dev/null }\n';
  return `admins: [${admin}]
waitlist:
  defaultThreshold: 2
regions:
${region("test-west", `${cluster}    capacity: 25\n    admission: open\n`)}${region("test-east", `${cluster}    capacity: 25\n    admission: approval\n`)}${region("test-new", "    status: planned\n    firstUserBootstraps: true\n")}`;
}

function fuzzSuite(ENGINE: "sqlite" | "postgres"): void {
  describe(`fuzz [${ENGINE}]`, () => {
    let registry: RegistryProcess;
    let postgresServer: PostgresServer | undefined;
    let ctx: FuzzContext;
    let operator: TestOwner;
    let reservedCode: string;

    beforeAll(async () => {
      const opWallet = await newOwnerWallet();
      const ownerWallet = await newOwnerWallet();
      let db: string | undefined;
      if (ENGINE === "postgres") {
        postgresServer = await startPostgres();
        db = await postgresServer.createDatabase();
      }
      registry = await startRegistryProcess({ regionsYaml: regionsYaml(opWallet.address), flags: ["--ip-rate", "0", "--device-rate", "0"], db });
      const url = registry.url;
      operator = await signInOwner(url, opWallet);
      const owner = await signInOwner(url, ownerWallet);
      const throwaway = await signInOwner(url);
      reservedCode = await operator.claimCode("after the fuzz");

      const claimCodes: string[] = [];
      for (let i = 0; i < 40; i++) claimCodes.push(await owner.claimCode(), await throwaway.claimCode());
      const devices: FuzzContext["devices"] = [];
      // Twelve devices: the fuzz may remove, ban or sign a leave for the first eight; the last four only send
      // telemetry, so a seed that removes every exposed device still reaches the telemetry handler.
      for (let i = 0; i < EXPOSED_DEVICES + 4; i++) {
        const device = newDevice();
        const answer = await checkIn(url, device, await operator.claimCode(), i % 2 ? { regionChoice: "test-east" } : {});
        devices.push({ device, session: answer.session.token });
      }
      const offer = (await (await operator.call("POST", "/api/v1/admin/regions/test-new/operator-offers", { owner: owner.address })).json()) as OperatorOffer;
      const challenges: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await fetch(url + REGISTRY_API.authChallenge, { method: "POST", body: JSON.stringify({ address: owner.address }) });
        challenges.push(((await res.json()) as { message: string }).message);
      }
      const [account] = await ownerWallet.wallet.getAccounts();
      const doc = await (await fetch(url + REGISTRY_API.openapi)).json();
      ctx = {
        targets: [...targetsFromOpenApi(doc), ...PLAIN_TARGETS],
        devices,
        exposedDevices: EXPOSED_DEVICES,
        ownerCookie: owner.cookie,
        operatorCookie: operator.cookie,
        throwawayCookie: throwaway.cookie,
        claimCodes,
        knownIds: [...devices.slice(0, EXPOSED_DEVICES).map((d) => d.device.key.id), offer.id, "test-west", "test-east", "test-new", "akash-home-linux-x64", "SHA256SUMS"],
        challenges,
        ownerAddress: owner.address,
        ownerPubKey: Buffer.from(account!.pubkey).toString("base64"),
      };
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
      await postgresServer?.stop();
    }, 30_000);

    /** verdict is what is wrong with an answer, or null when it is one the registry may give. */
    async function verdict(req: BuiltRequest, res: Response): Promise<string | null> {
      const text = await res.text();
      if (res.status >= 500) return `${res.status}: ${text.slice(0, 300)}`;
      if (res.status < 400 || req.method === "HEAD") return null;
      const type = res.headers.get("content-type") ?? "";
      if (!type.startsWith("application/json")) return `${res.status} with content-type ${JSON.stringify(type)} and body ${JSON.stringify(text.slice(0, 120))}`;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return `${res.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`;
      }
      const env = v.safeParse(ErrorEnvelope, json);
      if (!env.success || !env.output.error.code || !env.output.error.message) return `${res.status} without the error envelope: ${text.slice(0, 200)}`;
      return null;
    }

    /** The answers a run of 10,000 must include, or the fuzz is not reaching the code it is meant to reach. */
    const MUST_REACH = [
      "POST /api/v1/devices/check-in 200",
      "POST /api/v1/devices/telemetry 200",
      "POST /api/v1/devices/session 200",
      "POST /api/v1/owner/claim-codes 200",
      "401 replay",
      "401 clock_skew",
      "401 bad_signature",
      "401 bad_key",
      "401 session_invalid",
      "401 signed_out",
      "403 cross_site",
      "413 body_too_large",
      "400 bad_json",
      "400 invalid_body",
      "400 nul_character",
      "400 duplicate_seq",
      "405 method_not_allowed",
      "404 not_found",
    ];

    test(
      "every route answers random and malformed requests with a 2xx or an enveloped 4xx, and the registry keeps serving",
      async () => {
        const plans = fc.sample(planArbitrary(ctx), { numRuns: RUNS, seed: SEED });
        const byClass: Record<string, number> = {};
        const reached = new Map<string, number>();
        const count = (key: string) => reached.set(key, (reached.get(key) ?? 0) + 1);
        const failures: string[] = [];
        let sent = 0;
        let next = 0;
        const started = performance.now();

        async function send(req: BuiltRequest): Promise<void> {
          sent++;
          let res: Response;
          try {
            res = await fetch(registry.url + req.path, { method: req.method, headers: req.headers, body: req.body, redirect: "manual", signal: AbortSignal.timeout(20_000) });
          } catch (err) {
            failures.push(`${req.describe}: no answer (${String(err)})`);
            byClass.transport = (byClass.transport ?? 0) + 1;
            return;
          }
          const klass = `${Math.floor(res.status / 100)}xx`;
          byClass[klass] = (byClass[klass] ?? 0) + 1;
          const code = res.status >= 400 && res.headers.get("content-type")?.startsWith("application/json") ? ((await res.clone().json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code : null;
          if (code) count(`${res.status} ${code}`);
          count(`${req.method} ${req.route} ${res.status}`);
          const wrong = await verdict(req, res);
          if (wrong) failures.push(`${req.describe}: ${wrong}`);
        }

        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < plans.length) {
              const plan = plans[next++]!;
              for (const req of await buildRequests(plan, ctx, registry.url)) await send(req);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const codes = [...reached].filter(([k]) => /^\d/.test(k)).sort((a, b) => b[1] - a[1]);
        console.log(`fuzz (${ENGINE}): ${plans.length} plans, ${sent} requests in ${seconds.toFixed(1)} s, seed ${SEED}, concurrency ${CONCURRENCY}; by status class: ${JSON.stringify(byClass)}`);
        console.log(`fuzz (${ENGINE}): refusals by code: ${codes.map(([c, n]) => `${c} ×${n}`).join(", ")}`);
        if (process.env.AKASH_HOME_FUZZ_VERBOSE) console.log([...reached].filter(([k]) => !/^\d/.test(k)).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${String(n).padStart(6)}  ${k}`).join("\n"));

        // A 5xx is logged with its cause: show those beside the bad answers, so a failure names the bug.
        const causes = registry
          .output()
          .split("\n")
          .filter((line) => line.includes('"event":"request_failed"'))
          .map((line) => JSON.parse(line) as { route?: string; error?: string })
          // One line per kind of failure: the values quoted in a message differ from request to request.
          .map((e) => `${e.route}: ${String(e.error).split("\n").slice(0, 3).join(" | ").replace(/"[^"]*"/g, '"…"')}`);
        expect({ seed: SEED, badAnswers: failures.slice(0, 12), causes: [...new Set(causes)].slice(0, 12) }).toEqual({ seed: SEED, badAnswers: [], causes: [] });
        if (RUNS >= 10_000) expect(MUST_REACH.filter((k) => !reached.has(k))).toEqual([]);

        // Still serving: health, and a device checking in and sending telemetry the normal way.
        const health = await fetch(registry.url + REGISTRY_API.health);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ ok: true });
        const device = newDevice();
        const answer: CheckInResponse = await checkIn(registry.url, device, reservedCode);
        expect(answer.device.owner).toBe(operator.address);
        const ack = await sessionFetch(registry.url, answer.session.token, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1)] });
        expect(ack.status).toBe(200);
        expect(((await ack.json()) as TelemetryAck).stored).toBe(1);

        // And it can still be stopped: no connection the fuzz left behind holds a graceful stop up.
        const stopping = performance.now();
        await registry.stop();
        expect(performance.now() - stopping).toBeLessThan(10_000);
      },
      { timeout: 180_000 },
    );
  });
}

for (const engine of ENGINES) fuzzSuite(engine);
