import * as v from "valibot";
import { BenchProgress, BenchResult, DoctorReport } from "../../protocol/index.ts";
import { isCompiledBinary } from "../build-info.ts";

// The daemon runs the probe and the benchmark as child processes of its own binary: systeminformation,
// dockerode and the benchmark workers then live and die with the child, and the always-on daemon stays small.

/** selfArgv is how to run this program again: the compiled binary alone, or bun plus the entry script. */
export function selfArgv(): string[] {
  return isCompiledBinary() ? [process.execPath] : [process.execPath, Bun.main];
}

/**
 * childEnv is the daemon's environment without the JIT switch: the unit turns JavaScriptCore's JIT off to
 * keep the idle daemon small, but the benchmark must run at full speed (without the JIT its CPU scores
 * come out about 15 times lower) and the probe is short-lived.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("BUN_JSC_")));
}

async function runChild(args: string[], onLine: (line: string) => void): Promise<{ code: number; stderr: string }> {
  const child = Bun.spawn([...selfArgv(), ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore", env: childEnv() });
  const stderrText = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
    if (done) break;
  }
  if (buffered.trim()) onLine(buffered);
  return { code: await child.exited, stderr: (await stderrText).trim() };
}

/** runDoctorChild runs `doctor --json`; it exits 1 when the machine is not ready, which is still a report. */
export async function runDoctorChild(stateDir: string, ignoreChecks: string | null): Promise<DoctorReport> {
  let out = "";
  const args = ["doctor", "--json", "--state-dir", stateDir, ...(ignoreChecks ? ["--ignore-checks", ignoreChecks] : [])];
  const { code, stderr } = await runChild(args, (l) => (out += l + "\n"));
  const parsed = v.safeParse(DoctorReport, (() => { try { return JSON.parse(out); } catch { return null; } })());
  if (!parsed.success) throw new Error(`the hardware check failed (exit ${code})${stderr ? ": " + stderr.split("\n").at(-1) : ""}`);
  return parsed.output;
}

/** runBenchChild runs `bench --progress` and forwards each progress line. */
export async function runBenchChild(stateDir: string, quick: boolean, registry: string | null, onProgress: (p: BenchProgress) => void): Promise<BenchResult> {
  const args = ["bench", "--progress", "--state-dir", stateDir, ...(quick ? ["--quick"] : []), ...(registry ? ["--registry", registry] : [])];
  let result: BenchResult | null = null;
  const { code, stderr } = await runChild(args, (line) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const progress = v.safeParse(BenchProgress, raw);
    if (progress.success) return onProgress(progress.output);
    const done = v.safeParse(BenchResult, raw);
    if (done.success) result = done.output;
  });
  if (!result) throw new Error(`the benchmark failed (exit ${code})${stderr ? ": " + stderr.split("\n").at(-1) : ""}`);
  return result;
}
