// tools: where the real binaries are. scripts/test-tools builds them once (cached by version outside the
// repository) and prints a folder of links to them on its last line; every start function uses absolute
// paths from that folder, never whatever happens to be on PATH.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { tail } from "./process.ts";

const REPO_ROOT = resolve(import.meta.dir, "..", "..");
let bin: Promise<string> | undefined;

/**
 * toolsBin runs scripts/test-tools once per process and returns its bin folder. AKASH_HOME_TOOLS_BIN names a
 * folder laid out the same way to use instead (e.g. one built on another machine), without running the script.
 */
export function toolsBin(): Promise<string> {
  const given = process.env.AKASH_HOME_TOOLS_BIN;
  if (given) return Promise.resolve(resolve(given));
  if (!bin) {
    bin = buildTools();
    bin.catch(() => {
      bin = undefined;
    });
  }
  return bin;
}

async function buildTools(): Promise<string> {
  const script = join(REPO_ROOT, "scripts", "test-tools");
  const proc = Bun.spawn([script], { cwd: REPO_ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const lines = stdout.trim().split("\n");
  const folder = lines[lines.length - 1]?.trim() ?? "";
  if (code !== 0 || !folder || !existsSync(folder)) {
    throw new Error(`scripts/test-tools failed (exit ${code}); it needs Go and the module proxy on its first run:\n${tail(stdout + stderr)}`);
  }
  return folder;
}

/** tool is the absolute path of one binary in the tools folder. */
export async function tool(name: "headscale" | "tailscale" | "tailscaled" | "kwok" | "kube-apiserver" | "kube-scheduler" | "kube-controller-manager"): Promise<string> {
  return join(await toolsBin(), name);
}
