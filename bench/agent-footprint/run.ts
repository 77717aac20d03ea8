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

interface Idle {
  idleRssMB: { median: number; max: number };
  idleRssAnonMB: number;
  idleCpuPercentOfOneCore: number;
  firstPageMs: number;
  pageMs: number;
  rssAfterPagesMB: number;
}

const MB = 1e6;
const statusKiB = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);

/** idle runs the daemon on stateDir with extra env, lets it settle, samples it, then times page views. */
async function idle(stateDir: string, extraEnv: Record<string, string>): Promise<Idle> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  const daemon = Bun.spawn([binary, "agent", "--state-dir", stateDir, "--listen", `127.0.0.1:${port}`], { stdout: "ignore", stderr: "ignore", env: { ...process.env, ...extraEnv } });
  // Let start-up work finish before measuring idle.
  await Bun.sleep(5000);
  const rss: number[] = [];
  const t0 = cpuTicks(daemon.pid);
  const wall0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    rss.push(rssKiB(daemon.pid));
    await Bun.sleep(1000);
  }
  const cpuPct = ((cpuTicks(daemon.pid) - t0) / CLK_TCK / ((performance.now() - wall0) / 1000)) * 100;
  const anon = statusKiB(daemon.pid, "RssAnon");
  // The first view loads the page's code; later ones show what an owner waits for.
  const view = async () => {
    const t = performance.now();
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    return performance.now() - t;
  };
  const firstPageMs = await view();
  const later: number[] = [];
  for (let i = 0; i < 20; i++) later.push(await view());
  later.sort((a, b) => a - b);
  const rssAfterPages = rssKiB(daemon.pid);
  daemon.kill("SIGTERM");
  await daemon.exited;
  rss.sort((a, b) => a - b);
  return {
    idleRssMB: { median: (rss[Math.floor(rss.length / 2)]! * 1024) / MB, max: (rss.at(-1)! * 1024) / MB },
    idleRssAnonMB: (anon * 1024) / MB,
    idleCpuPercentOfOneCore: cpuPct,
    firstPageMs,
    pageMs: later[Math.floor(later.length / 2)]!,
    rssAfterPagesMB: (rssAfterPages * 1024) / MB,
  };
}

// As installed, the systemd unit turns the JIT off for the daemon (see install/akash-home.service).
// A first start (new state dir) and a restart (key and state already there), and the restart with the JIT.
const NO_JIT = { BUN_JSC_useJIT: "0" };
const stateDir = mkdtempSync(join(tmpdir(), "footprint-"));
const firstStart = await idle(stateDir, NO_JIT);
const restart = await idle(stateDir, NO_JIT);
const restartWithJit = await idle(stateDir, {});

const size = statSync(binary).size;
const bare = await bareBunSize();
const xzPath = `${binary}.xz`;
const xz = existsSync(xzPath) ? statSync(xzPath).size : null;
const result = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}`,
  date: new Date().toISOString().slice(0, 10),
  seconds,
  firstStart,
  restart,
  restartWithJit,
  binaryMB: size / MB,
  bareBunBinaryMB: bare / MB,
  ourCodeMB: (size - bare) / MB,
  xzMB: xz === null ? null : xz / MB,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/agent-footprint.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
