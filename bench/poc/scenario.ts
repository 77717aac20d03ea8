// scenario: runs one POC scenario — builds its region, runs the body, always stops the region (its
// namespaces and processes), writes the result file and exits non-zero if a check failed or it broke.
import { keepLogsAfterFailure } from "../../tests/infra/work-dir.ts";
import { Checks } from "./checks.ts";
import { startRegion, type Region, type RegionOptions } from "./region.ts";
import { writeResult } from "./report.ts";

export async function runScenario(name: string, options: RegionOptions, body: (region: Region, checks: Checks) => Promise<object>): Promise<never> {
  const checks = new Checks();
  const started = performance.now();
  let region: Region | undefined;
  let result: object = {};
  let error: string | undefined;
  try {
    region = await startRegion(options);
    result = await body(region, checks);
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`${name} broke: ${error}`);
    keepLogsAfterFailure();
  } finally {
    await region?.stop();
  }
  if (!checks.passed) keepLogsAfterFailure();
  const path = writeResult(name, {
    passed: checks.passed && !error,
    ...(error ? { error } : {}),
    seconds: Math.round((performance.now() - started) / 1000),
    checks: checks.list,
    ...result,
  });
  console.error(`${name}: ${checks.passed && !error ? "passed" : "FAILED"} in ${Math.round((performance.now() - started) / 1000)} s; result in ${path}`);
  process.exit(checks.passed && !error ? 0 : 1);
}
