// An Akash REST (gRPC-gateway) endpoint on loopback for tests that run the registry: a provider's leases and
// block heights and times, in the response shapes recorded in tests/fixtures/akash-chain. Blocks come every
// 6 s from a genesis time, in real time; a height not produced yet is refused as the chain refuses it.
// Test-only; imports nothing of the registry.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(import.meta.dir, "../fixtures/akash-chain");
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const BLOCK_MS = 6000;

export interface AkashRestStub {
  url: string;
  heightAt(timeMs: number): number;
  stop(): void;
}

/** StubLease is a lease of the provider, written into the v1beta5 shape of leases-v1beta5-page-1.json. */
export interface StubLease {
  id: { owner: string; dseq: string; gseq: number; oseq: number; provider: string };
  denom: string;
  price: string;
  createdAt: number;
}

/** leasesPage is one page (the last) of a lease list in the current (v1beta5) shape. */
export function leasesPage(leases: readonly StubLease[]): string {
  const page = JSON.parse(fixture("leases-v1beta5-page-1.json"));
  const template = page.leases[0];
  page.leases = leases.map((l) => {
    const item = structuredClone(template);
    item.lease = { ...item.lease, id: { ...l.id, bseq: 0 }, state: "active", price: { denom: l.denom, amount: l.price }, created_at: String(l.createdAt), closed_on: "0" };
    return item;
  });
  page.pagination = { next_key: null, total: String(leases.length) };
  return JSON.stringify(page);
}

/** startAkashRestStub serves leases(url) for the lease list and a block every 6 s from genesisMs at genesisHeight. */
export function startAkashRestStub(o: { genesisMs: number; genesisHeight: number; leases: (url: URL) => string }): AkashRestStub {
  const heightAt = (t: number) => o.genesisHeight + Math.floor((t - o.genesisMs) / BLOCK_MS);
  const block = (h: number) =>
    fixture("block-23990000.json")
      .replaceAll('"23990000"', `"${h}"`)
      .replaceAll("2026-09-01T13:00:00.481913220Z", new Date(o.genesisMs + (h - o.genesisHeight) * BLOCK_MS).toISOString());
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const json = (text: string, status = 200) => new Response(text, { status, headers: { "content-type": "application/json" } });
      if (url.pathname.endsWith("/leases/list")) return json(o.leases(url));
      if (url.pathname === "/cosmos/base/tendermint/v1beta1/blocks/latest") return json(block(heightAt(Date.now())));
      const m = /\/blocks\/(\d+)$/.exec(url.pathname);
      if (m) return Number(m[1]) > heightAt(Date.now()) ? json('{"code":3,"message":"requested block height is bigger then the chain length"}', 400) : json(block(Number(m[1])));
      return json(fixture("tx-not-found.json"), 404);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, heightAt, stop: () => server.stop(true) };
}
