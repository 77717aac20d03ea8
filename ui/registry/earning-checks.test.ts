import { expect, test } from "bun:test";
import type { DeviceDetail, DeviceState } from "../../protocol/index.ts";
import { earningChecks } from "./earning-checks.ts";

// What an owner reads under "Ready to earn" / "Not earning now" on a device page, state by state.

function detail(state: DeviceState, over: Partial<DeviceDetail["device"]> = {}, rest: Partial<DeviceDetail> = {}): DeviceDetail {
  const strip = { marks: [], onlineFraction: 0, pausedFraction: 0, offlineFraction: 0 };
  return {
    device: {
      deviceId: "ah-1",
      name: "lab-pc",
      owner: "akash1owner",
      state,
      stateReason: null,
      stateSince: "2026-11-30T10:00:00.000Z",
      region: { id: "west", name: "West", locationRegion: "na-us-west" },
      agentVersion: "1.0.0",
      updateAvailable: false,
      hardware: null,
      lastSeenAt: "2026-11-30T09:00:00.000Z",
      createdAt: "2026-11-01T00:00:00.000Z",
      uptime: strip,
      ...over,
    },
    waitlist: null,
    uptime: strip,
    downtime: [],
    workloads: null,
    workloadsSource: "cluster",
    latest: null,
    recent: [],
    bench: { at: "2026-11-01T00:00:00.000Z", quick: false, cpuSingle: 1, cpuMulti: 8, memoryMBps: 1, diskWriteMBps: 1, diskReadMBps: 1, downloadMBps: null, gpus: [] },
    events: [],
    replaces: null,
    ...rest,
  } as DeviceDetail;
}

const failing = (d: DeviceDetail) => earningChecks(d).filter((c) => c.status === "fail" && c.blocking).map((c) => c.id);

test("an online, benchmarked device on the current agent passes every check", () => {
  expect(earningChecks(detail("online")).every((c) => c.status === "pass")).toBe(true);
});

test("paused and offline devices are told why they do not earn and what to do", () => {
  const paused = earningChecks(detail("paused")).find((c) => c.id === "paused")!;
  expect(paused).toMatchObject({ status: "fail", blocking: true, fix: expect.stringContaining("resume") });
  const offline = earningChecks(detail("offline")).find((c) => c.id === "online")!;
  expect(offline.status).toBe("fail");
  expect(offline.message).toContain("2026-11-30 09:00");
  expect(offline.fix).toContain("systemctl");
});

test("a device not yet in its cluster says whether it waits on itself or on a region that is not connected", () => {
  expect(failing(detail("assigned"))).toEqual(["cluster"]);
  const notConnected = earningChecks(detail("assigned", {}, { workloadsSource: "no_cluster" })).find((c) => c.id === "cluster")!;
  expect(notConnected.message).toContain("not connected to West's cluster");
  expect(failing(detail("pending_approval"))).toEqual(["place"]);
  const waiting = earningChecks(detail("waitlisted", { region: null }, { waitlist: { area: "DE", position: 3, waiting: 7, threshold: 25, readyToBootstrap: false, reason: "no region within reach has room" } as DeviceDetail["waitlist"] }));
  expect(waiting[0]).toMatchObject({ id: "place", status: "fail", message: expect.stringContaining("Number 3 of 7 waiting in DE") });
});

test("a missing benchmark or an old agent is a warning, not a reason it cannot earn", () => {
  const d = detail("online", { updateAvailable: true, agentVersion: "0.9.0" }, { bench: null });
  expect(failing(d)).toEqual([]);
  expect(earningChecks(d).filter((c) => c.status === "warn").map((c) => c.id)).toEqual(["bench", "agent"]);
});

test("a removed or banned device has no checks: it has left", () => {
  expect(earningChecks(detail("removed"))).toEqual([]);
  expect(earningChecks(detail("banned"))).toEqual([]);
});
