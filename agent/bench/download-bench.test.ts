import { afterAll, describe, expect, test } from "bun:test";
import { measureDownload } from "./download-bench.ts";
import { closedPort } from "./testdata/fake-registry.ts";

const payload = new Uint8Array(32 * 1024 * 1024).fill(1);
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/file") return new Response(payload);
    if (path === "/stall") {
      // 1 MiB, then nothing more for a long time.
      return new Response(
        new ReadableStream({
          async start(ctrl) {
            ctrl.enqueue(new Uint8Array(1024 * 1024));
            await Bun.sleep(10_000);
            ctrl.close();
          },
        }),
      );
    }
    return new Response("no", { status: 404 });
  },
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;
const run = { timeoutMs: 1000, durationMs: 1000, maxBytes: 1024 ** 3 };

describe("download throughput", () => {
  test("a local file downloads at a positive MB/s", async () => {
    const r = await measureDownload(`${base}/file`, run);
    expect(r.error).toBeNull();
    expect(r.mbps).toBeGreaterThan(1);
  });

  test("stops at maxBytes instead of reading the whole file", async () => {
    const t = performance.now();
    const r = await measureDownload(`${base}/file`, { ...run, maxBytes: 1024 * 1024 });
    expect(r.mbps).toBeGreaterThan(0);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  test("a missing file is an error with the HTTP status", async () => {
    const r = await measureDownload(`${base}/nothing`, run);
    expect(r.mbps).toBeNull();
    expect(r.error).toContain("HTTP 404");
  });

  test("an unreachable registry is an error, not an exception", async () => {
    const r = await measureDownload(`http://127.0.0.1:${closedPort()}/file`, run);
    expect(r.mbps).toBeNull();
    expect(r.error).toContain("failed");
  });

  test("a download that stalls part-way ends in time and still reports what arrived", async () => {
    const t = performance.now();
    const r = await measureDownload(`${base}/stall`, { timeoutMs: 300, durationMs: 300, maxBytes: 1024 ** 3 });
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.mbps).toBeGreaterThan(0);
  });
});
