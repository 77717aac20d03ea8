// bench/placement: how long placing one device takes with 100 regions (target: ≤ 2 ms median), for the
// cases check-in meets: round trips to every region, no usable round trip (country and distance
// fallback), an explicit choice, and the "why" ranking. Load comes from an in-memory count, as the
// registry's check-in keeps it; the store is not part of this figure.
//   ./node_modules/.bin/bun bench/placement/run.ts [--devices 10000] [--regions 100] [--seed 1]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join, resolve } from "node:path";
import countries from "world-countries";
import type { RegionConfig } from "../../registry/config/registry-config.ts";
import { greatCircleKm } from "../../registry/regions/geo.ts";
import { placeDevice, rankRegions, type PlacementInput } from "../../registry/regions/placement.ts";

const ROOT = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : def;
};
const deviceCount = arg("devices", 10_000);
const regionCount = arg("regions", 100);

// A small seeded generator, so two runs place the same devices.
let seed = arg("seed", 1) >>> 0 || 1;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const codes = countries.map((c) => c.cca2);
const centre = new Map(countries.map((c) => [c.cca2, { latitude: c.latlng[0], longitude: c.latlng[1] }]));

// Regions spread over the countries' centres; a mix of everything placement has to look at.
const regions: RegionConfig[] = Array.from({ length: regionCount }, (_, i) => {
  const home = pick(codes);
  const at = centre.get(home)!;
  const r = random();
  return {
    id: `region-${i}`,
    name: `Region ${i}`,
    locationRegion: "na-us-west",
    countries: [home, pick(codes), pick(codes)],
    latitude: at.latitude + (random() - 0.5) * 4,
    longitude: at.longitude + (random() - 0.5) * 4,
    probeUrl: `https://probe.region-${i}.example.org/`,
    kubeconfig: `/etc/akash-home/region-${i}.kubeconfig`,
    headscale: { url: `https://hs.region-${i}.example.org`, apiKeyFile: `/etc/akash-home/region-${i}.key` },
    capacity: 250,
    admission: r < 0.2 ? "approval" : "open",
    status: r > 0.9 ? "planned" : "active",
    firstUserBootstraps: false,
    requirements: random() < 0.2 ? { minCpuCores: 4, minMemoryGiB: 8, gpuRequired: random() < 0.3 } : undefined,
  };
});
// A third of the regions full, the rest partly filled.
const load = new Map(regions.map((r) => [r.id, random() < 0.33 ? r.capacity : Math.floor(random() * r.capacity)]));
const devicesInRegion = (id: string) => load.get(id) ?? 0;

interface Device {
  rtts: { regionId: string; rttMs: number | null }[];
  country: string;
  device: PlacementInput["device"];
}

// Each device sits near a country's centre and measures every region, as the agent does; round trips
// grow with distance (light in fibre covers about 100 km per ms of round trip, and real routes run about
// 1.6 times the great circle) plus home-network jitter.
const devices: Device[] = Array.from({ length: deviceCount }, () => {
  const country = pick(codes);
  const c = centre.get(country)!;
  const at = { latitude: c.latitude + (random() - 0.5) * 6, longitude: c.longitude + (random() - 0.5) * 6 };
  return {
    country,
    rtts: regions.map((r) => ({ regionId: r.id, rttMs: random() < 0.05 ? null : (greatCircleKm(at, r) * 1.6) / 100 + 5 + random() * 25 })),
    device: { cpuCores: pick([2, 4, 8, 16]), memoryGiB: pick([4, 8, 16, 32, 64]), gpuCount: random() < 0.3 ? 1 : 0 },
  };
});

type Case = (d: Device) => unknown;
const base = (d: Device): PlacementInput => ({ regions, devicesInRegion, rtts: d.rtts, choice: "auto", country: d.country, device: d.device, maxRttMs: 150 });
const cases: Record<string, Case> = {
  "auto, a round trip to each of the 100 regions": (d) => placeDevice(base(d)),
  "auto, every region full (the longest scan)": (d) => placeDevice({ ...base(d), devicesInRegion: () => 250 }),
  "no usable round trip (country, then distance)": (d) => placeDevice({ ...base(d), rtts: [] }),
  "explicit choice": (d) => placeDevice({ ...base(d), choice: pick(regions).id }),
  "rankRegions (the why view)": (d) => rankRegions(base(d)),
};

function measure(run: Case) {
  for (let i = 0; i < 2000; i++) run(devices[i % devices.length]!); // warm the JIT
  const times = new Float64Array(devices.length);
  const outcomes = new Map<string, number>();
  const start = Bun.nanoseconds();
  for (let i = 0; i < devices.length; i++) {
    const t = Bun.nanoseconds();
    const result = run(devices[i]!) as { kind?: string; basis?: string };
    times[i] = (Bun.nanoseconds() - t) / 1000;
    const label = result.kind ? `${result.kind}${result.basis ? ` (${result.basis})` : ""}` : "ranked";
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
  }
  const totalS = (Bun.nanoseconds() - start) / 1e9;
  times.sort();
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return { medianUs: at(0.5), p99Us: at(0.99), maxUs: at(1), perSecond: Math.round(devices.length / totalS), outcomes: Object.fromEntries(outcomes) };
}

const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
const report = {
  machine: `${availableParallelism()} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}, Bun ${Bun.version}`,
  date: new Date().toISOString().slice(0, 10),
  regions: regionCount,
  devices: deviceCount,
  results: Object.fromEntries(Object.entries(cases).map(([name, run]) => [name, measure(run)])),
};
for (const [name, r] of Object.entries(report.results)) console.error(`${name}: median ${r.medianUs} µs, p99 ${r.p99Us} µs, ${r.perSecond}/s`);
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results/placement.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
