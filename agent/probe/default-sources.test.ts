import { expect, test } from "bun:test";
import os from "node:os";
import { defaultSources, runCommand } from "./default-sources.ts";

// The real machine's sources: what a missing file, program or a hung command turns into.

test("runCommand returns output and exit code", async () => {
  expect(await runCommand(["sh", "-c", "echo out; echo err >&2; exit 3"], 5_000)).toEqual({ code: 3, stdout: "out\n", stderr: "err\n", timedOut: false, notFound: false });
});

test("a missing program is notFound, not an exception", async () => {
  expect(await runCommand(["akash-home-no-such-program"], 5_000)).toMatchObject({ code: null, notFound: true, timedOut: false });
});

test("a command past its time limit is killed and reported as timed out", async () => {
  const started = performance.now();
  const r = await runCommand(["sleep", "10"], 200);
  expect(r).toMatchObject({ code: null, timedOut: true });
  expect(performance.now() - started).toBeLessThan(5_000);
});

test("absent files and directories read as null; statfs measures /", async () => {
  const s = defaultSources();
  expect(await s.readText("/nonexistent/akash-home")).toBeNull();
  expect(await s.listDir("/nonexistent/akash-home")).toBeNull();
  expect(await s.realPath("/nonexistent/akash-home")).toBeNull();
  expect(await s.which("sh")).toMatch(/\/sh$/);
  const root = await s.diskSpace("/");
  expect(root!.totalBytes).toBeGreaterThan(root!.freeBytes);
});

test("systeminformation answers with this machine's CPU count", async () => {
  const facts = await defaultSources().system();
  expect(facts.cpu.threads).toBe(os.cpus().length);
  expect(facts.os.platform).toBe(process.platform);
});
