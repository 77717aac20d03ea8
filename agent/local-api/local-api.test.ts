import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { sampleBenchResult, sampleDoctorReport } from "../../tests/fixtures/reports.ts";
import { createTestBackend } from "../backend/testing/test-backend.ts";
import type { BenchResult, DoctorReport } from "../../protocol/index.ts";

function testBackend(opts: { doctor: () => DoctorReport; bench: () => BenchResult }) {
  return createTestBackend({ runDoctor: async () => opts.doctor(), runBench: async () => opts.bench() });
}
import { SetupGate } from "../backend/setup-gate.ts";
import { handleLocalApi, startLocalApi } from "./server.ts";
import { DaemonNotRunning, LocalApiError, LocalClient } from "./client.ts";
import { LOCAL_API_HOST } from "./local-api-host.ts";
import type { UpEvent } from "../../protocol/index.ts";

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

function running() {
  const t = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult() });
  const gate = new SetupGate();
  const api = startLocalApi(join(t.stateDir, "akash-home.sock"), t.backend, gate, () => {});
  stops.push(api.stop);
  return { ...t, gate, client: new LocalClient(t.stateDir) };
}

describe("the CLI's local API", () => {
  test("listens on a 0600 unix socket in the state dir and removes it on stop", async () => {
    const { client, stateDir } = running();
    expect(statSync(client.socketPath).mode & 0o777).toBe(0o600);
    expect((await client.status()).stateDir).toBe(stateDir);
    stops.pop()!();
    expect(existsSync(client.socketPath)).toBe(false);
  });

  test("status carries a working setup code, and a fresh one once it was used", async () => {
    const { client, gate } = running();
    const first = (await client.status()).setupCode!;
    expect(gate.exchange(first)).toBeString();
    const second = (await client.status()).setupCode!;
    expect(second).not.toBe(first);
    expect(gate.exchange(second)).toBeString();
  });

  test.each([
    ["an Origin header", { origin: "http://evil.example" }],
    ["a Referer header", { referer: "http://evil.example/page" }],
    ["another Host", { host: "127.0.0.1:7777" }],
  ])("refuses a request with %s, as a browser would send", async (_name, headers) => {
    const t = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult() });
    const res = await handleLocalApi(new Request(`http://${LOCAL_API_HOST}/localapi/v0/status`, { headers: { host: LOCAL_API_HOST, ...headers } }), t.backend, new SetupGate());
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("setupCode");
  });

  test("bad input gets a 4xx that says what was wrong", async () => {
    const t = testBackend({ doctor: () => sampleDoctorReport(), bench: () => sampleBenchResult() });
    const post = (body: string) =>
      handleLocalApi(new Request(`http://${LOCAL_API_HOST}/localapi/v0/up`, { method: "POST", body, headers: { host: LOCAL_API_HOST } }), t.backend, new SetupGate());
    const notJson = await post("{");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toContain("not JSON");
    const badUrl = await post(JSON.stringify({ registry: "nope", yes: true }));
    expect(badUrl.status).toBe(400);
    expect((await badUrl.json()).error.message).toContain("registry must be a URL");
    const unknown = await handleLocalApi(new Request(`http://${LOCAL_API_HOST}/localapi/v0/nope`, { headers: { host: LOCAL_API_HOST } }), t.backend, new SetupGate());
    expect(unknown.status).toBe(404);
  });

  test("up streams progress and ends with the error and its fix", async () => {
    const { client } = running();
    const events: UpEvent[] = [];
    const last = await client.up({ registry: "http://127.0.0.1:1", claim: "K7QX-3MPA", yes: true }, (e) => events.push(e));
    expect(events.filter((e) => e.type === "progress").length).toBeGreaterThanOrEqual(3);
    expect(last).toMatchObject({ type: "error", step: "join" });
    if (last.type === "error") expect(last.fix).toContain("registry address");
  });

  test("a refused action comes back as an error with its fix", async () => {
    const { client } = running();
    const err = await client.pause().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalApiError);
    expect((err as LocalApiError).message).toContain("has not joined");
    expect((err as LocalApiError).fix).toBe("finish setup first");
  });

  test("with no daemon the client says how to start one", async () => {
    const err = await new LocalClient("/nonexistent-akash-home").status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonNotRunning);
    expect((err as Error).message).toContain("systemctl start akash-home");
  });
});
