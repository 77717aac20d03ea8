// bench/agent-footprint: what the agent costs a home machine while it idles.
// Starts the compiled daemon, lets it settle, samples RSS and CPU time from /proc for a window, and
// measures the binary: total size, our code on top of the Bun runtime, and the compressed download.
//   bun bench/agent-footprint/run.ts [--seconds 60] [--binary dist/akash-home-linux-x64]
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const seconds = Number(arg("seconds", "60"));
const binary = resolve(ROOT, arg("binary", "dist/akash-home-linux-x64"));
if (!existsSync(binary)) throw new Error(`${binary} is missing: run ./scripts/build first`);

const CLK_TCK = 100; // Linux USER_HZ
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};

async function bareBunSize(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bare-bun-"));
  writeFileSync(join(dir, "bare.ts"), 'console.log("hi")\n');
  const out = join(dir, "bare");
  const p = Bun.spawn([join(ROOT, "node_modules/.bin/bun"), "build", "--compile", "--minify", join(dir, "bare.ts"), "--outfile", out], { stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error("could not compile a bare Bun binary");
  return statSync(out).size;
}

const stateDir = mkdtempSync(join(tmpdir(), "footprint-"));
const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
const port = probe.port!;
probe.stop(true);
const daemon = Bun.spawn([binary, "agent", "--state-dir", stateDir, "--listen", `127.0.0.1:${port}`], { stdout: "ignore", stderr: "ignore" });

// Let start-up work (and the first hardware check's child process) finish before measuring idle.
for (let i = 0; i < 200 && !existsSync(join(stateDir, "doctor.json")); i++) await Bun.sleep(100);
await Bun.sleep(5000);
const rssSamples: number[] = [];
const t0 = cpuTicks(daemon.pid);
const wall0 = performance.now();
for (let s = 0; s < seconds; s++) {
  rssSamples.push(rssKiB(daemon.pid));
  await Bun.sleep(1000);
}
const cpuPct = ((cpuTicks(daemon.pid) - t0) / CLK_TCK / ((performance.now() - wall0) / 1000)) * 100;
// One page view, to show the cost of serving it once.
await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
await Bun.sleep(500);
const rssAfterPage = rssKiB(daemon.pid);
daemon.kill("SIGTERM");
await daemon.exited;

const size = statSync(binary).size;
const bare = await bareBunSize();
const xzPath = `${binary}.xz`;
const xz = existsSync(xzPath) ? statSync(xzPath).size : null;
const MB = 1e6;
const sorted = [...rssSamples].sort((a, b) => a - b);
const result = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}`,
  date: new Date().toISOString().slice(0, 10),
  seconds,
  idleRssMB: { median: (sorted[Math.floor(sorted.length / 2)]! * 1024) / MB, max: (sorted.at(-1)! * 1024) / MB },
  rssAfterOnePageMB: (rssAfterPage * 1024) / MB,
  idleCpuPercentOfOneCore: cpuPct,
  binaryMB: size / MB,
  bareBunBinaryMB: bare / MB,
  ourCodeMB: (size - bare) / MB,
  xzMB: xz === null ? null : xz / MB,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/agent-footprint.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
