import { afterAll, describe, expect, test } from "bun:test";
import { probeRegion, probeRegions } from "./rtt-probe.ts";
import { closedPort } from "./testdata/fake-registry.ts";

let hits = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/probe") {
      hits++;
      return new Response("ok");
    }
    if (path === "/slow") {
      await Bun.sleep(150);
      return new Response("ok");
    }
    if (path === "/hang") {
      await Bun.sleep(5000);
      return new Response("late");
    }
    return new Response("no", { status: 404 });
  },
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;
const run = { attempts: 3, timeoutMs: 1000, deadlineMs: 3000 };

describe("region round trips", () => {
  test("a local region answers in well under a second, measured from several GETs", async () => {
    hits = 0;
    const r = await probeRegion({ regionId: "local", name: "Local", probeUrl: `${base}/probe` }, run);
    expect(r.error).toBeNull();
    expect(r.rttMs).toBeGreaterThan(0);
    expect(r.rttMs!).toBeLessThan(500);
    expect(hits).toBe(3);
  });

  test("a slower region measures slower", async () => {
    const r = await probeRegion({ regionId: "far", name: "Far", probeUrl: `${base}/slow` }, run);
    expect(r.rttMs!).toBeGreaterThanOrEqual(140);
  });

  test("a closed port becomes error text for that region, not an exception", async () => {
    const [ok, closed] = await probeRegions(
      [
        { regionId: "ok", name: "OK", probeUrl: `${base}/probe` },
        { regionId: "closed", name: "Closed", probeUrl: `http://127.0.0.1:${closedPort()}/probe` },
      ],
      run,
    );
    expect(ok!.rttMs).toBeGreaterThan(0);
    expect(closed).toMatchObject({ regionId: "closed", rttMs: null });
    expect(closed!.error).toMatch(/ECONNREFUSED|refused|connect/i);
  });

  test("a probe URL that answers an HTTP error is reported with its status", async () => {
    const r = await probeRegion({ regionId: "wrong", name: "Wrong", probeUrl: `${base}/missing` }, run);
    expect(r.rttMs).toBeNull();
    expect(r.error).toContain("HTTP 404");
  });

  test("a region that never answers is given up on by the deadline", async () => {
    const t = performance.now();
    const r = await probeRegion({ regionId: "hang", name: "Hang", probeUrl: `${base}/hang` }, { attempts: 5, timeoutMs: 300, deadlineMs: 700 });
    expect(performance.now() - t).toBeLessThan(1500);
    expect(r.rttMs).toBeNull();
    expect(r.error).toContain("no answer within");
  });

  test("a probe URL that is not a URL is reported, not thrown", async () => {
    const r = await probeRegion({ regionId: "bad", name: "Bad", probeUrl: "not a url" }, run);
    expect(r.error).toContain("not a URL");
  });
});
