// bench/bench-duration: how long `akash-home bench` keeps an owner waiting (targets: full < 60 s,
// --quick < 10 s), run through the compiled binary as an owner would, with no registry and with a
// local one serving regions and a download.
//   bun bench/bench-duration/run.ts [--runs 3] [--binary dist/akash-home-linux-x64]
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const runs = Number(arg("runs", "3"));
const binary = resolve(ROOT, arg("binary", "dist/akash-home-linux-x64"));
if (!existsSync(binary)) throw new Error(`${binary} is missing: run ./scripts/build first`);

// A registry stand-in on loopback: three regions whose probes answer, and a 64 MB download.
const blob = new Uint8Array(64 * 2 ** 20);
const registry: ReturnType<typeof Bun.serve> = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req): Response {
    const { pathname } = new URL(req.url);
    if (pathname === "/api/v1/regions") {
      const region = (id: string): Record<string, unknown> => ({ id, name: id, locationRegion: "na-us-west", probeUrl: `${registry.url.origin}/probe/${id}`, status: "active", full: false });
      return Response.json({ regions: ["a", "b", "c"].map(region) });
    }
    if (pathname.startsWith("/probe/")) return new Response("ok");
    if (pathname.startsWith("/downloads/")) return new Response(blob);
    return new Response("not found", { status: 404 });
  },
});

async function timed(extra: string[]): Promise<{ wallMs: number; durationMs: number }> {
  const stateDir = mkdtempSync(join(tmpdir(), "bench-duration-"));
  const t = performance.now();
  const child = Bun.spawn([binary, "bench", "--json", "--state-dir", stateDir, ...extra], { stdout: "pipe", stderr: "ignore" });
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`bench ${extra.join(" ")} failed`);
  return { wallMs: performance.now() - t, durationMs: JSON.parse(out.trim().split("\n").at(-1)!).durationMs };
}

const cases: Record<string, string[]> = {
  "quick, no registry": ["--quick"],
  "quick, local registry": ["--quick", "--registry", registry.url.origin],
  "full, no registry": [],
  "full, local registry": ["--registry", registry.url.origin],
};
const results: Record<string, { wallMs: number[]; maxWallMs: number }> = {};
for (const [name, extra] of Object.entries(cases)) {
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) wall.push(Math.round((await timed(extra)).wallMs));
  results[name] = { wallMs: wall, maxWallMs: Math.max(...wall) };
  console.error(`${name}: ${wall.join(", ")} ms`);
}
registry.stop(true);

const report = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}`,
  date: new Date().toISOString().slice(0, 10),
  runs,
  results,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/bench-duration.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
