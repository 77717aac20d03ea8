import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AkashRestClient, ChainError, rfc3339Ms } from "./akash-rest-client.ts";

// The client against a loopback HTTP server that answers with the recorded response shapes.
const FIXTURES = join(import.meta.dir, "../../../tests/fixtures/akash-chain");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const PROVIDER = "akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh";

const LATEST = JSON.parse(fixture("block-latest.json"));
const TEMPLATE = fixture("block-23990000.json");
const LATEST_HEIGHT = 24_000_000;
const LATEST_MS = rfc3339Ms(LATEST.block.header.time);

/** Block times of the test chain: about 6.1 s apart with some jitter, ending at the latest block's time. */
function blockTimeMs(h: number): number {
  return LATEST_MS - (LATEST_HEIGHT - h) * 6100 + (h % 7) * 90 - (LATEST_HEIGHT % 7) * 90;
}

function blockAt(h: number): string {
  const t = new Date(blockTimeMs(h)).toISOString().replace("Z", "417233Z");
  return TEMPLATE.replaceAll('"23990000"', `"${h}"`).replaceAll('"23989999"', `"${h - 1}"`).replaceAll("2026-09-01T13:00:00.481913220Z", t);
}

let server: ReturnType<typeof Bun.serve>;
let base = "";
const seen: URL[] = [];
let failNext: "503" | "html" | null = null;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      seen.push(url);
      const json = (text: string, status = 200) => new Response(text, { status, headers: { "content-type": "application/json" } });
      if (failNext === "503") {
        failNext = null;
        return json('{"code":14,"message":"upstream unavailable"}', 503);
      }
      if (failNext === "html") {
        failNext = null;
        return new Response("<html>rpc</html>", { headers: { "content-type": "text/html" } });
      }
      if (url.pathname === "/akash/market/v1beta5/leases/list") {
        if (url.searchParams.get("filters.provider") !== PROVIDER) return json('{"leases":[],"pagination":{"next_key":null,"total":"0"}}');
        const page1 = JSON.parse(fixture("leases-v1beta5-page-1.json"));
        return json(url.searchParams.get("pagination.key") === page1.pagination.next_key ? fixture("leases-v1beta5-page-2.json") : fixture("leases-v1beta5-page-1.json"));
      }
      if (url.pathname === "/akash/market/v1beta4/leases/list") return json(fixture("leases-v1beta4.json"));
      if (url.pathname === "/cosmos/base/tendermint/v1beta1/blocks/latest") return json(fixture("block-latest.json"));
      const block = /^\/cosmos\/base\/tendermint\/v1beta1\/blocks\/(\d+)$/.exec(url.pathname);
      if (block) {
        const h = Number(block[1]);
        if (h > LATEST_HEIGHT) return json('{"code":3,"message":"requested block height is bigger then the chain length"}', 400);
        return json(blockAt(h));
      }
      const tx = /^\/cosmos\/tx\/v1beta1\/txs\/([0-9A-F]{64})$/.exec(url.pathname);
      if (tx) {
        for (const name of ["tx-multisend-ok.json", "tx-multisend-failed.json"]) if (JSON.parse(fixture(name)).tx_response.txhash === tx[1]) return json(fixture(name));
        return json(fixture("tx-not-found.json"), 404);
      }
      return json('{"code":12,"message":"Not Implemented"}', 501);
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

describe("leases of a provider", () => {
  test("pages through every lease with the provider filter and reads id, state, price and heights", async () => {
    seen.length = 0;
    const leases = await new AkashRestClient({ baseUrl: base }).leasesOfProvider(PROVIDER);
    const listCalls = seen.filter((u) => u.pathname.endsWith("/leases/list"));
    expect(listCalls).toHaveLength(2);
    expect(listCalls.every((u) => u.searchParams.get("filters.provider") === PROVIDER)).toBe(true);
    expect(listCalls[1]!.searchParams.get("pagination.key")).toBe(JSON.parse(fixture("leases-v1beta5-page-1.json")).pagination.next_key);
    expect(leases.map((l) => [l.id.dseq, l.state, l.denom, l.pricePerBlock, l.createdAt, l.closedOn])).toEqual([
      ["23950000", "active", "uakt", "12.500000000000000000", 23950100n, 0n],
      ["23961234", "active", "uact", "4.826603000000000000", 23961300n, 0n],
      ["23970001", "closed", "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1", "0.532000000000000000", 23970050n, 23990050n],
      ["23800000", "closed", "uakt", "20.000000000000000000", 23800010n, 23850010n],
      ["23940000", "insufficient_funds", "uakt", "3.000000000000000000", 23940005n, 23995005n],
    ]);
    expect(leases[2]!.id).toEqual({ owner: "akash18jytd388yyx3cc77jx3dhlxphjvkgj0kasywzg", dseq: "23970001", gseq: 2, oseq: 1, provider: PROVIDER });
  });

  test("reads the older v1beta4 shape (lease_id) when pointed at that path", async () => {
    const leases = await new AkashRestClient({ baseUrl: base, leasesPath: "/akash/market/v1beta4/leases/list" }).leasesOfProvider(PROVIDER);
    expect(leases.map((l) => `${l.id.owner}/${l.id.dseq}/${l.id.gseq}/${l.id.oseq} ${l.state} ${l.closedOn}`)).toEqual([
      "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09/9100000/1/1 active 0",
      "akash18jytd388yyx3cc77jx3dhlxphjvkgj0kasywzg/9100777/1/2 closed 9101800",
    ]);
  });

  test("an endpoint that fails or is not a REST gateway gets an error naming the endpoint and the fix", async () => {
    const client = new AkashRestClient({ baseUrl: base });
    failNext = "503";
    await expect(client.leasesOfProvider(PROVIDER)).rejects.toThrow(/answered 503 while reading the leases of akash1t3xp/);
    failNext = "html";
    await expect(client.leasesOfProvider(PROVIDER)).rejects.toThrow(/not JSON .* REST \(gRPC-gateway\) endpoint, not RPC/);
    const down = new AkashRestClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 500 });
    const err = await down.latest().catch((e) => e);
    expect(err).toBeInstanceOf(ChainError);
    expect(err.message).toContain("check rewards.chain.restUrl");
  });
});

describe("block heights and times", () => {
  test("reads the latest block's height and its nanosecond time to the millisecond", async () => {
    const latest = await new AkashRestClient({ baseUrl: base }).latest();
    expect(latest).toEqual({ height: 24_000_000n, timeMs: Date.UTC(2026, 8, 2, 6, 0, 1, 123) });
  });

  test("finds the first block at or after a time, as a scan of every block would", async () => {
    const client = new AkashRestClient({ baseUrl: base });
    for (const hoursBack of [0.01, 1, 7.5, 30, 200]) {
      const t = LATEST_MS - hoursBack * 3_600_000 + 1234;
      seen.length = 0;
      const h = Number(await client.firstHeightAtOrAfter(t));
      expect(blockTimeMs(h)).toBeGreaterThanOrEqual(t);
      expect(blockTimeMs(h - 1)).toBeLessThan(t);
      // A guess and a bisection, not a walk: a few dozen requests even 200 hours back.
      expect(seen.length).toBeLessThan(40);
    }
  });

  test("a time after the latest block is the next height, not yet produced", async () => {
    expect(await new AkashRestClient({ baseUrl: base }).firstHeightAtOrAfter(LATEST_MS + 60_000)).toBe(24_000_001n);
  });
});

describe("payout transactions", () => {
  test("tells a succeeded transaction, a failed one and an unknown one apart", async () => {
    const client = new AkashRestClient({ baseUrl: base });
    expect(await client.tx("9F2B7C1D3E4A5B6C7D8E9F00112233445566778899AABBCCDDEEFF0011223344")).toEqual({ found: true, height: 24_000_123n, code: 0, rawLog: "" });
    const failed = await client.tx("0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9");
    expect(failed.found && failed.code).toBe(5);
    expect(await client.tx("1111111111111111111111111111111111111111111111111111111111111111")).toEqual({ found: false });
  });
});
