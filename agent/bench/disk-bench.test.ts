import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkWritable, DiskNotWritable, measureDisk } from "./disk-bench.ts";

const scratch = mkdtempSync(join(tmpdir(), "akash-bench-disk-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = { writeMs: 300, readMs: 200, fsyncMs: 200, maxBytes: 64 * 1024 * 1024 };

describe("disk benchmark", () => {
  test("reports positive throughput and fsync latencies and leaves no temp files behind", () => {
    const dir = join(scratch, "state");
    const r = measureDisk(dir, run);
    expect(r.path).toBe(dir);
    expect(r.seqWriteMBps).toBeGreaterThan(0);
    expect(r.seqReadMBps).toBeGreaterThan(0);
    expect(r.fsyncP50Ms).toBeGreaterThan(0);
    expect(r.fsyncP99Ms).toBeGreaterThanOrEqual(r.fsyncP50Ms);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("stays within its time box even on a fast disk", () => {
    const t = performance.now();
    measureDisk(join(scratch, "box"), { ...run, maxBytes: 4 * 1024 ** 3 });
    // Phases add up to 700 ms; the last flush of at most 16 MiB may add a little.
    expect(performance.now() - t).toBeLessThan(700 + 3000);
  });

  test("a state dir that cannot hold files is a clear error naming the dir", () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "");
    const dir = join(file, "state");
    expect(() => checkWritable(dir)).toThrow(DiskNotWritable);
    expect(() => measureDisk(dir, run)).toThrow(`cannot write in ${dir}`);
  });
});
