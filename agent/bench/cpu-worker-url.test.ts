import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuWorkerUrl, embeddedRoot } from "./cpu-worker-url.ts";

const repoRoot = resolve(import.meta.dir, "../..");
const scratch = mkdtempSync(join(tmpdir(), "akash-bench-compile-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function compile(outfile: string, entrypoints: string[]): void {
  const build = Bun.spawnSync([process.execPath, "build", "--compile", "--root", ".", ...entrypoints, "--outfile", outfile], { cwd: repoRoot, stderr: "pipe", stdout: "pipe" });
  if (build.exitCode !== 0) throw new Error(`bun build failed: ${build.stderr.toString()}`);
}

describe("cpu worker location", () => {
  test("from source, the worker is the file beside the benchmark", () => {
    expect(embeddedRoot("/home/me/akash-home/agent/bench/cpu-worker-url.ts")).toBeNull();
    expect(existsSync(fileURLToPath(cpuWorkerUrl()))).toBe(true);
  });

  test("inside a compiled binary, the embedded root is found on Linux and Windows paths", () => {
    expect(embeddedRoot("/$bunfs/root/akash-home")).toBe("/$bunfs/root");
    expect(embeddedRoot("B:/~BUN/root/akash-home.exe")).toBe("B:/~BUN/root");
  });

  test("a binary built with the worker as an extra entrypoint runs CPU workers from any directory", () => {
    const bin = join(scratch, "with-worker");
    compile(bin, ["./agent/bench/testdata/cpu-main.ts", "./agent/bench/cpu-worker.ts"]);
    const run = Bun.spawnSync([bin], { cwd: scratch, stdout: "pipe", stderr: "pipe" });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout.toString()).score).toBeGreaterThan(0);
  }, 60_000);

  test("a binary built without the worker says how to fix the build instead of hanging", () => {
    const bin = join(scratch, "without-worker");
    compile(bin, ["./agent/bench/testdata/cpu-main.ts"]);
    const run = Bun.spawnSync([bin], { cwd: scratch, stdout: "pipe", stderr: "pipe", timeout: 20_000 });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.toString()).toContain("agent/bench/cpu-worker.ts as an extra entrypoint");
  }, 60_000);
});
