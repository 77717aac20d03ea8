import { beforeAll, expect, test } from "bun:test";
import type { DeviceState, Hardware, WaitlistArea } from "../../protocol/index.ts";
import { describeEachEngine } from "../../tests/support/engines.ts";
import { hardware } from "../rewards/testing/facts.ts";
import type { SqlDriver } from "../store/sql-driver.ts";
import { MIN_DEVICES_PER_CELL } from "./map-cells.ts";
import type { PortalRegion, WorkloadsAnswer } from "./ports.ts";
import { PortalService } from "./service.ts";
import { SqlPortalRepo } from "./sql-portal-repo.ts";

// The portal's read side on a real store (SQLite and PostgreSQL): device pages with filters and uptime,
// a device's detail, region overviews, public network numbers that keep the map's privacy floor, and the
// provider answers for the deploy console.

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 10, 30, 12);
const OWNER = "akash1owner000000000000000000000000000000aa";
const OTHER = "akash1neighbour00000000000000000000000000bb";
const PROVIDER = "akash1provider00000000000000000000000000000";

const REGIONS: PortalRegion[] = [
  { id: "west", name: "West", locationRegion: "na-us-west", status: "active", admission: "open", capacity: 10, latitude: 45.5, longitude: -122.6, countries: ["US"], firstUserBootstraps: false, providerAddress: PROVIDER },
  { id: "east", name: "East", locationRegion: "na-us-northeast", status: "active", admission: "approval", capacity: 5, latitude: 40.7, longitude: -74, countries: ["US"], firstUserBootstraps: false, providerAddress: null },
];

interface Row {
  id: string;
  owner: string;
  state: DeviceState;
  region: string | null;
  hostname?: string;
  hw?: Hardware;
  agent?: string;
  createdAt?: number;
}

async function insertDevices(db: SqlDriver, rows: Row[]): Promise<void> {
  await db.insertMany(
    "devices",
    ["id", "public_key", "owner", "machine_id_hash", "hostname", "state", "state_changed_at", "region_id", "agent_version", "hardware", "rtts", "region_choice", "created_at", "updated_at"],
    rows.map((r, i) => [r.id, `pk-${r.id}`, r.owner, `m-${r.id}-${i}`, r.hostname ?? r.id, r.state, NOW - H, r.region, r.agent ?? "1.0.0", JSON.stringify(r.hw ?? hardware(8, 32, 0)), "[]", "auto", r.createdAt ?? NOW - 40 * D, NOW - H]),
    "error",
  );
}

describeEachEngine("portal read models", (db) => {
  let portal: PortalService;
  let waitlist: WaitlistArea[] = [];

  beforeAll(async () => {
    const fleet: Row[] = [
      { id: "ah-a1", owner: OWNER, state: "online", region: "west", hostname: "alpha <b>", hw: hardware(16, 64, 1), agent: "0.9.0" },
      { id: "ah-a2", owner: OWNER, state: "online", region: "west", hostname: "bravo" },
      { id: "ah-a3", owner: OWNER, state: "offline", region: "west", hostname: "charlie" },
      { id: "ah-a4", owner: OWNER, state: "pending_approval", region: "east", hostname: "delta" },
      { id: "ah-a5", owner: OWNER, state: "removed", region: "west", hostname: "echo" },
      { id: "ah-b1", owner: OTHER, state: "online", region: "west", hostname: "other-1", hw: hardware(8, 32, 2) },
      { id: "ah-b2", owner: OTHER, state: "paused", region: "east", hostname: "other-2" },
      // Added a day ago: too new to be measured for reliability (under an hour of history is ignored, a day is not).
      { id: "ah-b3", owner: OTHER, state: "online", region: "west", hostname: "other-3", createdAt: NOW - D },
    ];
    await insertDevices(db(), fleet);
    // a1: online all month but one day; a2: half the month; b1: all month; b3: its one day.
    await db().insertMany(
      "uptime_intervals",
      ["device_id", "kind", "start_at", "end_at"],
      [
        ["ah-a1", "online", NOW - 30 * D, NOW - 11 * D],
        ["ah-a1", "online", NOW - 10 * D, NOW - 10_000],
        ["ah-a2", "online", NOW - 15 * D, NOW - 10_000],
        ["ah-b1", "online", NOW - 30 * D, NOW - 10_000],
        ["ah-b3", "online", NOW - D, NOW - 10_000],
        ["ah-a3", "online", NOW - 20 * D, NOW - 19 * D],
      ],
      "error",
    );
    await db().insertMany(
      "metrics",
      ["device_id", "seq", "at", "received_at", "cpu_percent", "memory_used_bytes", "memory_total_bytes", "gpus", "pods"],
      [1, 2, 3].map((i) => ["ah-a1", i, NOW - (4 - i) * H, NOW, 10 * i, i * 2 ** 30, 64 * 2 ** 30, JSON.stringify([{ index: 0, utilPercent: 50, memoryUsedMiB: 1000 }]), i]),
      "error",
    );
    await db().run("INSERT INTO device_events (device_id, at, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)", ["ah-a1", NOW - H, "assigned", "online", "heartbeats arrive"]);
    waitlist = [
      { area: "DE", waiting: MIN_DEVICES_PER_CELL, threshold: 5, readyToBootstrap: false, oldestSince: null },
      { area: "FR", waiting: 1, threshold: 5, readyToBootstrap: false, oldestSince: null },
    ];
    portal = new PortalService({
      repo: new SqlPortalRepo(db()),
      regions: () => REGIONS,
      placedCounts: async () => new Map(),
      waitlist: async () => waitlist,
      registryVersion: "1.0.0",
      now: () => NOW,
    });
  });

  test("an owner's list holds only their devices, hides removed ones unless asked, counts every state, and pages", async () => {
    const page = await portal.devicePage({ owner: OWNER }, {});
    expect(page.devices.map((d) => d.deviceId).sort()).toEqual(["ah-a1", "ah-a2", "ah-a3", "ah-a4"]);
    expect(page.total).toBe(5);
    expect(page.byState).toEqual({ online: 2, offline: 1, pending_approval: 1, removed: 1 });
    expect((await portal.devicePage({ owner: OWNER }, { state: "all" })).matching).toBe(5);
    expect((await portal.devicePage({ owner: OWNER }, { state: "removed" })).devices.map((d) => d.deviceId)).toEqual(["ah-a5"]);
    const paged = await portal.devicePage({ owner: OWNER }, { state: "all" }, 2, 2);
    expect(paged).toMatchObject({ page: 2, pageSize: 2, matching: 5 });
    expect(paged.devices).toHaveLength(2);
  });

  test("filters by region, GPU model and name; choices come from the whole list", async () => {
    expect((await portal.devicePage({ owner: OWNER }, { region: "east" })).devices.map((d) => d.name)).toEqual(["delta"]);
    expect((await portal.devicePage({ owner: OWNER }, { gpu: "rtx4090" })).devices.map((d) => d.deviceId)).toEqual(["ah-a1"]);
    expect((await portal.devicePage({ owner: OWNER }, { text: "BRAV" })).devices.map((d) => d.deviceId)).toEqual(["ah-a2"]);
    const page = await portal.devicePage({ owner: OWNER }, {});
    expect(page.choices.gpuModels).toEqual(["rtx4090"]);
    expect(page.choices.regions.map((r) => r.id).sort()).toEqual(["east", "west"]);
  });

  test("a region's list holds every owner's devices there, filterable by owner and agent version", async () => {
    const page = await portal.devicePage({ regionId: "west" }, {});
    expect(page.devices.map((d) => d.deviceId).sort()).toEqual(["ah-a1", "ah-a2", "ah-a3", "ah-b1", "ah-b3"]);
    expect((await portal.devicePage({ regionId: "west" }, { owner: OTHER.slice(0, 12) })).devices.map((d) => d.deviceId).sort()).toEqual(["ah-b1", "ah-b3"]);
    expect((await portal.devicePage({ regionId: "west" }, { agentVersion: "0.9.0" })).devices.map((d) => d.deviceId)).toEqual(["ah-a1"]);
  });

  test("each row carries a 30-day strip, when it was last heard, hardware, and whether its agent needs an update", async () => {
    const a1 = (await portal.devicePage({ owner: OWNER }, { text: "ah-a1" })).devices[0]!;
    expect(a1.uptime!.marks).toHaveLength(30);
    expect(a1.uptime!.offlineFraction).toBeCloseTo(1 / 30, 3);
    expect(a1.lastSeenAt).toBe(new Date(NOW - 10_000).toISOString());
    expect(a1.updateAvailable).toBe(true);
    expect(a1.name).toBe("alpha <b>");
    expect(a1.hardware).toMatchObject({ cpuCores: 8, gpus: [{ akashModel: "rtx4090" }] });
    const a2 = (await portal.devicePage({ owner: OWNER }, { text: "ah-a2" })).devices[0]!;
    expect(a2.updateAvailable).toBe(false);
  });

  test("a device's detail has a fine strip, its downtime, resource samples in time order, and its history", async () => {
    const d = (await portal.deviceDetail("ah-a1"))!;
    expect(d.uptime.marks).toHaveLength(120);
    expect(d.downtime).toEqual([{ from: new Date(NOW - 11 * D).toISOString(), to: new Date(NOW - 10 * D).toISOString(), durationMs: D }]);
    expect(d.recent.map((s) => s.cpuPercent)).toEqual([10, 20, 30]);
    expect(d.latest).toMatchObject({ cpuPercent: 30, pods: 3, gpus: [{ index: 0, utilPercent: 50 }] });
    expect(d.events).toEqual([{ at: new Date(NOW - H).toISOString(), from: "assigned", to: "online", reason: "heartbeats arrive" }]);
    expect(d).toMatchObject({ workloads: null, workloadsSource: "no_cluster" });
    expect(await portal.deviceDetail("ah-nope")).toBeNull();
    expect(await portal.deviceFacts("ah-b1")).toMatchObject({ owner: OTHER, regionId: "west" });
  });

  test("a device page's workloads come from its region's cluster, and say why when they cannot", async () => {
    const asked: string[] = [];
    const withCluster = (answer: (id: string) => Promise<WorkloadsAnswer>) =>
      new PortalService({
        repo: new SqlPortalRepo(db()),
        regions: () => REGIONS,
        placedCounts: async () => new Map(),
        waitlist: async () => [],
        registryVersion: "1.0.0",
        now: () => NOW,
        workloads: (id, region) => (asked.push(`${id}@${region}`), answer(id)),
      });
    const pods = [{ namespace: "lease-ns", name: "web-0", leaseOwner: "akash1deployer", since: new Date(NOW - H).toISOString(), gpus: 1 }];
    const listed = await withCluster(async () => ({ source: "cluster", workloads: pods })).deviceDetail("ah-a1");
    expect(listed).toMatchObject({ workloadsSource: "cluster", workloads: pods });
    const down = await withCluster(async () => {
      throw new Error("connect ECONNREFUSED");
    }).deviceDetail("ah-b1");
    expect(down).toMatchObject({ workloadsSource: "unreachable", workloads: null });
    // A device waiting for approval, or removed, is in no cluster: the cluster is not asked about it.
    const pending = await withCluster(async () => ({ source: "cluster", workloads: pods })).deviceDetail("ah-a4");
    const removed = await withCluster(async () => ({ source: "cluster", workloads: pods })).deviceDetail("ah-a5");
    expect([pending?.workloadsSource, removed?.workloadsSource]).toEqual(["not_in_cluster", "not_in_cluster"]);
    expect(asked).toEqual(["ah-a1@west", "ah-b1@west"]);
  });

  test("regions overview counts placed, online and pending devices per region; health is 'not configured' without adapters", async () => {
    const [west, east] = await portal.regionsOverview("*");
    expect(west).toMatchObject({ id: "west", placed: 5, online: 4, pending: 0, capacity: 10, headscale: { status: "not_configured" }, providerAddress: PROVIDER });
    expect(east).toMatchObject({ id: "east", placed: 1, online: 0, pending: 1 });
    expect((await portal.regionsOverview(["east"])).map((r) => r.id)).toEqual(["east"]);
  });

  test("network numbers total the online hardware, and the map shows no cell and no waiting area below the privacy floor", async () => {
    const stats = await portal.networkStats();
    expect(stats.devicesOnline).toBe(4);
    expect(stats.gpusOnline).toBe(3);
    expect(stats.gpusByModel).toEqual([{ model: "rtx4090", count: 3 }]);
    // a1 has 8 cores, a2, b1 and b3 have 4 each.
    expect(stats.cpuCoresOnline).toBe(20);
    for (const c of stats.cells) expect(c.devices).toBeGreaterThanOrEqual(MIN_DEVICES_PER_CELL);
    // West's five placed devices make a cell; East's one is counted but drawn nowhere.
    expect(stats.cells.map((c) => c.devices)).toEqual([5]);
    expect(stats.unmapped).toBe(1);
    expect(stats.waitingAreas.map((a) => a.area)).toEqual(["DE"]);
    expect(stats.waitingElsewhere).toBe(1);
    // Public numbers are computed once per cache period.
    waitlist = [];
    expect((await portal.networkStats()).devicesWaiting).toBe(MIN_DEVICES_PER_CELL + 1);
  });

  test("the deploy console learns a provider is edge compute, where, how many devices, and their uptime percentiles", async () => {
    const info = (await portal.providerInfo(PROVIDER.toUpperCase()))!;
    expect(info).toMatchObject({ address: PROVIDER, edge: true, locationType: "home", devices: { total: 5, online: 4, gpus: 3 } });
    expect(info.regions).toEqual([{ id: "west", name: "West", locationRegion: "na-us-west", devices: 5, online: 4 }]);
    // Measured: a1 (29/30), a2 (15/30), a3 (1/30), b1 (30/30), b3 (its whole day).
    expect(info.reliability.devicesMeasured).toBe(5);
    expect(info.reliability.p50!).toBeCloseTo(29 / 30, 2);
    // Sorted: 1/30, 15/30, 29/30, 1, 1 — p10 lies between the first two.
    expect(info.reliability.p10!).toBeCloseTo(1 / 30 + 0.4 * (15 / 30 - 1 / 30), 3);
    expect(info.reliability.p90!).toBeCloseTo(1, 2);
    expect(await portal.providerInfo("akash1unknown")).toBeNull();
  });

  test("the attribute set names the provider's location and the GPUs of its placed devices", async () => {
    const attrs = (await portal.providerAttributes(PROVIDER))!;
    const map = Object.fromEntries(attrs.attributes.map((a) => [a.key, a.value]));
    expect(map).toMatchObject({ host: "akash", tier: "community", "location-type": "home", "location-region": "na-us-west", "capabilities/gpu/vendor/nvidia/model/rtx4090": "true" });
  });
});
