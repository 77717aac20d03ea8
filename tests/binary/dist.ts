// Where the built binaries are, and a helper to run one. Tests of the binary need ./scripts/build first;
// scripts/test always builds, so a missing binary is a failure with the command to fix it, not a skip.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const DIST = join(ROOT, "dist");
export const X64 = join(DIST, "akash-home-linux-x64");
export const ARM64 = join(DIST, "akash-home-linux-arm64");

export function requireBinary(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run ./scripts/build first`);
  return path;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** run runs the x64 binary with args and a clean AKASH_HOME_* environment. */
export async function run(args: string[], env: Record<string, string> = {}, binary = X64): Promise<RunResult> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AKASH_HOME_")));
  const child = Bun.spawn([requireBinary(binary), ...args], { env: { ...clean, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}
