import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { BenchProgress, BenchResult } from "../../protocol/bench.ts";
import { parseArgv, resolveFlags } from "../config/flags.ts";
import { loadBench } from "../bench/run-bench.ts";
import { closedPort, startFakeRegistry } from "../bench/testdata/fake-registry.ts";
import { benchCommand } from "./bench.ts";

const scratch = mkdtempSync(join(tmpdir(), "akash-bench-cli-"));
const registry = startFakeRegistry({ closedPort: closedPort() });
afterAll(() => {
  registry.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** bench runs the command as main.ts does: argv through the real flag parser, output captured. */
async function bench(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const { given, positionals } = parseArgv(argv, benchCommand.flags, "bench");
  const { values } = resolveFlags(given, benchCommand.flags, {}, {}, "config.json");
  const code = await benchCommand.run({ values, positionals, env: {}, io: { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false } });
  return { code, out, err };
}

describe("akash-home bench", () => {
  test("--json prints one BenchResult and saves it to the state dir", async () => {
    const dir = join(scratch, "json");
    const r = await bench(["--quick", "--json", "--state-dir", dir, "--registry", registry.url]);
    expect(r.code).toBe(0);
    const result = v.parse(BenchResult, JSON.parse(r.out));
    expect(result.quick).toBe(true);
    expect(result.network.regions.find((x) => x.regionId === "near")!.rttMs).toBeGreaterThan(0);
    expect(result.network.downloadMBps).toBeGreaterThan(0);
    expect(loadBench(dir)).toEqual(result);
    expect(statSync(join(dir, "bench.json")).mode & 0o777).toBe(0o600);
  }, 30_000);

  test("--progress prints NDJSON progress lines, then the result as the last line", async () => {
    const r = await bench(["--quick", "--progress", "--state-dir", join(scratch, "progress")]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    const progress = lines.slice(0, -1).map((l) => v.parse(BenchProgress, JSON.parse(l)));
    expect(progress.length).toBeGreaterThanOrEqual(13);
    expect(progress.at(-1)!.step).toBe("done");
    const result = v.parse(BenchResult, JSON.parse(lines.at(-1)!));
    expect(result.network).toEqual({ regions: [], downloadMBps: null, error: null });
  }, 30_000);

  test("people get a table with units, progress on stderr and where it was saved", async () => {
    const dir = join(scratch, "human");
    const r = await bench(["--quick", "--state-dir", dir, "--registry", `http://127.0.0.1:${closedPort()}`]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/CPU, one thread\s+[\d,]+ units\/s/);
    expect(r.out).toMatch(/Memory bandwidth\s+[\d,.]+ MB\/s/);
    expect(r.out).toMatch(/Disk fsync latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(r.out).toContain("registry not reachable");
    expect(r.out).toContain(`Saved to ${join(dir, "bench.json")}`);
    expect(r.err).toContain("100%");
  }, 30_000);

  test("a state dir that cannot be written exits 1 with a clear message and no result", async () => {
    const file = join(scratch, "not-a-dir");
    writeFileSync(file, "");
    const r = await bench(["--quick", "--json", "--state-dir", join(file, "state")]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^error: benchmark failed: cannot write in .*not-a-dir\/state/);
  });
});
