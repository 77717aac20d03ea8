import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { RegionConfig } from "../config/registry-config.ts";
import { placeDevice, rankRegions, type DeviceFit, type PlacementInput } from "./placement.ts";

function region(id: string, extra: Partial<RegionConfig> = {}): RegionConfig {
  return {
    id,
    name: id,
    locationRegion: "na-us-west",
    countries: [],
    latitude: 0,
    longitude: 0,
    probeUrl: `https://${id}.example.org/probe`,
    kubeconfig: `/etc/akash-home/${id}.kubeconfig`,
    headscale: { url: `https://hs.${id}.example.org`, apiKeyFile: `/etc/akash-home/${id}.key` },
    capacity: 250,
    admission: "open",
    status: "active",
    firstUserBootstraps: false,
    ...extra,
  };
}

// Coordinates of real places, so the distance fallback is checked against geography an operator knows.
const OREGON = { latitude: 45.52, longitude: -122.68 };
const VIRGINIA = { latitude: 38.95, longitude: -77.45 };
const FRANKFURT = { latitude: 50.11, longitude: 8.68 };
const SAO_PAULO = { latitude: -23.55, longitude: -46.63 };

const DESKTOP: DeviceFit = { cpuCores: 8, memoryGiB: 32, gpuCount: 1 };

function input(regions: RegionConfig[], extra: Partial<PlacementInput> = {}): PlacementInput {
  return { regions, devicesInRegion: () => 0, rtts: [], choice: "auto", country: null, device: DESKTOP, maxRttMs: 150, ...extra };
}

const rtts = (pairs: Record<string, number | null>) => Object.entries(pairs).map(([regionId, rttMs]) => ({ regionId, rttMs }));
const load = (counts: Record<string, number>) => (id: string) => counts[id] ?? 0;

describe("placement by measured round trip", () => {
  const regions = [region("us-west-1"), region("us-east-1"), region("eu-central-1")];

  test("the nearest region by round trip wins", () => {
    expect(placeDevice(input(regions, { rtts: rtts({ "us-west-1": 80, "us-east-1": 20, "eu-central-1": 110 }) }))).toEqual({
      kind: "assigned",
      regionId: "us-east-1",
      basis: "rtt",
      rttMs: 20,
    });
  });

  test("a full region is skipped for the next nearest", () => {
    const placed = placeDevice(input(regions, { rtts: rtts({ "us-west-1": 80, "us-east-1": 20 }), devicesInRegion: load({ "us-east-1": 250 }) }));
    expect(placed).toMatchObject({ kind: "assigned", regionId: "us-west-1", rttMs: 80 });
  });

  test("every region within the limit full → waitlisted, saying so", () => {
    const placed = placeDevice(input(regions, { rtts: rtts({ "us-west-1": 80, "us-east-1": 20, "eu-central-1": 190 }), devicesInRegion: load({ "us-west-1": 250, "us-east-1": 300 }) }));
    expect(placed).toEqual({ kind: "waitlisted", area: "near-us-east-1", reason: "every region within 150 ms is full" });
  });

  test("nothing within the RTT limit → waitlisted with the nearest region named", () => {
    const placed = placeDevice(input(regions, { rtts: rtts({ "us-west-1": 212.4, "eu-central-1": 300 }), country: "BR" }));
    expect(placed).toEqual({ kind: "waitlisted", area: "BR", reason: "no region within 150 ms: nearest is us-west-1 at 212 ms" });
  });

  test("the RTT limit is the configured one", () => {
    expect(placeDevice(input(regions, { rtts: rtts({ "us-west-1": 212 }), maxRttMs: 250 }))).toMatchObject({ kind: "assigned", regionId: "us-west-1" });
  });

  test("a region whose requirements refuse the device is skipped, and the reason says what it needs", () => {
    const strict = [region("gpu-1", { requirements: { minMemoryGiB: 64, gpuRequired: true } }), region("cpu-1", { requirements: { minCpuCores: 4, gpuRequired: false } })];
    const small: DeviceFit = { cpuCores: 2, memoryGiB: 7.96, gpuCount: 0 };
    expect(placeDevice(input(strict, { rtts: rtts({ "gpu-1": 10, "cpu-1": 40 }) }))).toMatchObject({ kind: "assigned", regionId: "cpu-1" });
    expect(placeDevice(input(strict, { rtts: rtts({ "gpu-1": 10 }), device: small }))).toEqual({
      kind: "waitlisted",
      area: "near-gpu-1",
      reason: "no region within 150 ms admits this device: gpu-1 needs at least 64 GiB of memory (this device has 8 GiB)",
    });
    expect(placeDevice(input(strict, { rtts: rtts({ "cpu-1": 10 }), device: small }))).toMatchObject({
      reason: "no region within 150 ms admits this device: cpu-1 needs at least 4 CPU cores (this device has 2)",
    });
  });

  test("full and refusing regions together are both named in the reason", () => {
    const mixed = [region("a", { requirements: { gpuRequired: true } }), region("b")];
    const placed = placeDevice(input(mixed, { rtts: rtts({ a: 10, b: 20 }), device: { ...DESKTOP, gpuCount: 0 }, devicesInRegion: load({ b: 250 }) }));
    expect(placed).toMatchObject({ kind: "waitlisted", reason: "every region within 150 ms is full or refuses this device: a takes only devices with a GPU" });
  });

  test("an approval region puts the device in pending_approval", () => {
    const approval = [region("us-west-1", { admission: "approval" })];
    expect(placeDevice(input(approval, { rtts: rtts({ "us-west-1": 30 }) }))).toEqual({ kind: "pending_approval", regionId: "us-west-1", basis: "rtt", rttMs: 30 });
  });

  test("a planned region is never assigned, even when it is nearest", () => {
    const withPlanned = [region("planned-1", { status: "planned" }), region("us-west-1")];
    expect(placeDevice(input(withPlanned, { rtts: rtts({ "planned-1": 5, "us-west-1": 60 }) }))).toMatchObject({ kind: "assigned", regionId: "us-west-1" });
    // Only the planned region measured: the device waits near it, which is what tells operators where to bootstrap.
    const onlyPlanned = placeDevice(input(withPlanned, { rtts: rtts({ "planned-1": 5 }) }));
    expect(onlyPlanned).toMatchObject({ kind: "waitlisted", area: "near-planned-1" });
  });

  test("measurements that failed, are not numbers, or name unknown regions are ignored", () => {
    const placed = placeDevice(input(regions, { rtts: [...rtts({ "us-east-1": null, nowhere: 1, "us-west-1": 90 }), { regionId: "eu-central-1", rttMs: Number.NaN }, { regionId: "us-east-1", rttMs: -4 }] }));
    expect(placed).toMatchObject({ kind: "assigned", regionId: "us-west-1", basis: "rtt" });
  });

  test("equal round trips go to the region listed first in the config", () => {
    expect(placeDevice(input(regions, { rtts: rtts({ "eu-central-1": 40, "us-east-1": 40 }) }))).toMatchObject({ regionId: "us-east-1" });
    expect(placeDevice(input([...regions].reverse(), { rtts: rtts({ "us-east-1": 40, "eu-central-1": 40 }) }))).toMatchObject({ regionId: "eu-central-1" });
  });
});

describe("an owner's explicit choice", () => {
  const regions = [region("us-west-1"), region("us-east-1", { admission: "approval" }), region("planned-1", { status: "planned" })];

  test("is honoured over a nearer region when it qualifies", () => {
    expect(placeDevice(input(regions, { choice: "us-west-1", rtts: rtts({ "us-west-1": 90, "us-east-1": 10 }) }))).toEqual({ kind: "assigned", regionId: "us-west-1", basis: "choice", rttMs: 90 });
    expect(placeDevice(input(regions, { choice: "us-east-1" }))).toEqual({ kind: "pending_approval", regionId: "us-east-1", basis: "choice", rttMs: null });
  });

  test("is refused with the reason when the region is full, planned, too far or unknown", () => {
    const full = placeDevice(input(regions, { choice: "us-west-1", country: "US", devicesInRegion: load({ "us-west-1": 250 }), rtts: rtts({ "us-east-1": 10 }) }));
    expect(full).toEqual({ kind: "waitlisted", area: "US", reason: "you chose us-west-1, but it is full (250 devices)" });
    expect(placeDevice(input(regions, { choice: "planned-1" }))).toMatchObject({ kind: "waitlisted", reason: "you chose planned-1, but it is planned, not running yet" });
    expect(placeDevice(input(regions, { choice: "us-west-1", rtts: rtts({ "us-west-1": 400 }) }))).toEqual({
      kind: "waitlisted",
      area: "near-us-west-1",
      reason: "you chose us-west-1, but its round trip from this device is 400 ms, above the 150 ms limit",
    });
    expect(placeDevice(input(regions, { choice: "mars-1" }))).toMatchObject({ kind: "waitlisted", area: "unknown", reason: 'you chose region "mars-1", which does not exist; choose a listed region or auto' });
  });

  test("is refused when the region's requirements refuse the device", () => {
    const gpuOnly = [region("gpu-1", { requirements: { gpuRequired: true } })];
    expect(placeDevice(input(gpuOnly, { choice: "gpu-1", device: { ...DESKTOP, gpuCount: 0 } }))).toMatchObject({ reason: "you chose gpu-1, but it takes only devices with a GPU" });
  });
});

describe("placement without a usable round trip", () => {
  const regions = [
    region("us-west-1", { ...OREGON, countries: ["US", "CA"] }),
    region("us-east-1", { ...VIRGINIA, countries: ["US"] }),
    region("eu-central-1", { ...FRANKFURT, countries: ["DE", "AT"] }),
    region("sa-east-1", { ...SAO_PAULO, countries: ["BR"], status: "planned" }),
  ];

  test("falls back to a region listing the device's country", () => {
    expect(placeDevice(input(regions, { country: "DE", rtts: rtts({ "eu-central-1": null }) }))).toEqual({ kind: "assigned", regionId: "eu-central-1", basis: "country", rttMs: null });
    // Of two regions serving the country, the one nearer its centre (Kansas is nearer Virginia than Oregon).
    expect(placeDevice(input(regions, { country: "US" }))).toMatchObject({ regionId: "us-east-1", basis: "country" });
    expect(placeDevice(input(regions, { country: "US", devicesInRegion: load({ "us-east-1": 250 }) }))).toMatchObject({ regionId: "us-west-1", basis: "country" });
  });

  test("then to the nearest region by great-circle distance, within the distance limit", () => {
    // France is listed by no region; Frankfurt is about 670 km from its centre.
    expect(placeDevice(input(regions, { country: "FR" }))).toEqual({ kind: "assigned", regionId: "eu-central-1", basis: "distance", rttMs: null });
    expect(placeDevice(input(regions, { country: "FR", maxDistanceKm: 300 }))).toMatchObject({ kind: "waitlisted", area: "FR" });
  });

  test("a country too far from every running region is waitlisted with the distance in the reason", () => {
    const placed = placeDevice(input(regions, { country: "BR" }));
    expect(placed).toMatchObject({ kind: "waitlisted", area: "BR" });
    expect((placed as { reason: string }).reason).toMatch(/^no region serves BR; the nearest other region with room, us-east-1, is \d+ km away \(limit 3000 km\)$/);
  });

  test("a full country region with nothing near enough says both", () => {
    const placed = placeDevice(input(regions, { country: "AT", devicesInRegion: load({ "eu-central-1": 250 }) }));
    expect(placed).toMatchObject({ kind: "waitlisted", area: "AT" });
    expect((placed as { reason: string }).reason).toStartWith("every region serving AT is full; the nearest other region with room, us-east-1, is");
  });

  test("no measurement and no country → waitlisted in the unknown area", () => {
    expect(placeDevice(input(regions))).toMatchObject({ kind: "waitlisted", area: "unknown" });
  });

  test("a usable measurement means no geographic fallback, even when it is over the limit", () => {
    expect(placeDevice(input(regions, { country: "US", rtts: rtts({ "us-west-1": 400 }) }))).toMatchObject({ kind: "waitlisted", area: "US", reason: "no region within 150 ms: nearest is us-west-1 at 400 ms" });
  });
});

describe("rankRegions, the why view", () => {
  test("lists every region with why it was or was not eligible, eligible first by round trip", () => {
    const regions = [region("a", { status: "planned" }), region("b"), region("c"), region("d"), region("e", { requirements: { minCpuCores: 64, gpuRequired: false } })];
    const ranking = rankRegions(input(regions, { rtts: rtts({ a: 5, b: 50, c: 20, d: 200, e: 1 }), devicesInRegion: load({ b: 250 }) }));
    expect(ranking.map((r) => [r.regionId, r.eligible, r.refusal])).toEqual([
      ["c", true, null],
      ["e", false, "e needs at least 64 CPU cores (this device has 8)"],
      ["a", false, "planned, not running yet"],
      ["b", false, "full (250 of 250 devices)"],
      ["d", false, "round trip 200 ms is above the 150 ms limit"],
    ]);
  });

  test("agrees with placeDevice on the pick", () => {
    const regions = Array.from({ length: 20 }, (_, i) => region(`r-${i}`, { capacity: 10 }));
    const args = input(regions, { rtts: regions.map((r, i) => ({ regionId: r.id, rttMs: 200 - i * 9 })), devicesInRegion: (id) => (id === "r-19" ? 10 : 0) });
    expect(placeDevice(args)).toMatchObject({ regionId: rankRegions(args)[0]!.regionId });
  });
});

describe("property: whatever the input, a region chosen by round trip", () => {
  const world = fc.record({
    regions: fc.uniqueArray(
      fc.record({
        id: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/),
        status: fc.constantFrom("active" as const, "active" as const, "planned" as const),
        capacity: fc.integer({ min: 1, max: 5 }),
        load: fc.integer({ min: 0, max: 6 }),
        minCpuCores: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
        admission: fc.constantFrom("open" as const, "approval" as const),
      }),
      { minLength: 1, maxLength: 30, selector: (r) => r.id },
    ),
    rtts: fc.array(fc.record({ pick: fc.nat(), rttMs: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), { nil: null }) }), { maxLength: 40 }),
    maxRttMs: fc.integer({ min: 1, max: 300 }),
    cpuCores: fc.integer({ min: 1, max: 16 }),
  });

  test("is active, has room, is within the limit, admits the device, and has the lowest round trip of those that do", () => {
    fc.assert(
      fc.property(world, (w) => {
        const regions = w.regions.map((r) => region(r.id, { status: r.status, capacity: r.capacity, admission: r.admission, requirements: r.minCpuCores ? { minCpuCores: r.minCpuCores, gpuRequired: false } : undefined }));
        const loads = new Map(w.regions.map((r) => [r.id, r.load]));
        const measured = w.rtts.map((m) => ({ regionId: regions[m.pick % regions.length]!.id, rttMs: m.rttMs }));
        const args = input(regions, { rtts: measured, maxRttMs: w.maxRttMs, device: { cpuCores: w.cpuCores, memoryGiB: 16, gpuCount: 0 }, devicesInRegion: (id) => loads.get(id)! });
        const placed = placeDevice(args);
        if (placed.kind === "waitlisted" || placed.basis !== "rtt") return;
        const chosen = w.regions.find((r) => r.id === placed.regionId)!;
        expect(chosen.status).toBe("active");
        expect(chosen.load).toBeLessThan(chosen.capacity);
        expect(placed.rttMs!).toBeLessThanOrEqual(w.maxRttMs);
        expect(chosen.minCpuCores ?? 0).toBeLessThanOrEqual(w.cpuCores);
        expect(placed.kind).toBe(chosen.admission === "approval" ? "pending_approval" : "assigned");
        const qualifying = measured.filter((m) => {
          const r = w.regions.find((x) => x.id === m.regionId)!;
          return m.rttMs !== null && m.rttMs <= w.maxRttMs && r.status === "active" && r.load < r.capacity && (r.minCpuCores ?? 0) <= w.cpuCores;
        });
        expect(placed.rttMs).toBe(Math.min(...qualifying.map((m) => m.rttMs!)));
      }),
      { numRuns: 2000 },
    );
  });

  test("when some region qualifies by round trip, the device is never waitlisted", () => {
    fc.assert(
      fc.property(world, (w) => {
        const regions = w.regions.map((r) => region(r.id, { status: r.status, capacity: r.capacity }));
        const loads = new Map(w.regions.map((r) => [r.id, r.load]));
        const measured = w.rtts.map((m) => ({ regionId: regions[m.pick % regions.length]!.id, rttMs: m.rttMs }));
        const qualifies = measured.some((m) => {
          const r = w.regions.find((x) => x.id === m.regionId)!;
          return m.rttMs !== null && m.rttMs <= w.maxRttMs && r.status === "active" && r.load < r.capacity;
        });
        const placed = placeDevice(input(regions, { rtts: measured, maxRttMs: w.maxRttMs, devicesInRegion: (id) => loads.get(id)! }));
        expect(placed.kind !== "waitlisted").toBe(qualifies);
      }),
      { numRuns: 1000 },
    );
  });
});
