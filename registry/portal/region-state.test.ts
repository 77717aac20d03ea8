import { describe, expect, test } from "bun:test";
import { headscaleHealth, ingressHealth, withPendingLeaves, workloadsFrom, type PodReport, type TailnetNodeReport } from "./region-state.ts";

// What an operator reads about a connected region and an owner about a device's workloads, from what the
// region's Headscale and cluster report.

const AT = "2026-11-30T12:00:00.000Z";
const INGRESS = "tag:akash-ingress";
const DEVICE = "tag:akash-home";

const node = (name: string, tags: string[], online = true, lastSeen: string | null = null): TailnetNodeReport => ({ name, tags, online, lastSeen });
const pod = (name: string, p: Partial<PodReport> = {}): PodReport => ({ namespace: "ns", name, phase: "Running", startedAt: "2026-11-30T10:00:00.000Z", gpus: 0, leaseOwner: null, ...p });

describe("workloads on a device", () => {
  test("finished pods are left out; GPU work comes first, then the longest running", () => {
    const listed = workloadsFrom([
      pod("cpu-new", { startedAt: "2026-11-30T11:00:00.000Z" }),
      pod("done", { phase: "Succeeded" }),
      pod("crashed", { phase: "Failed" }),
      pod("cpu-old", { startedAt: "2026-11-29T11:00:00.000Z" }),
      pod("gpu", { gpus: 1, leaseOwner: "akash1deployer" }),
      pod("starting", { phase: "Pending", startedAt: null }),
    ]);
    expect(listed.map((w) => w.name)).toEqual(["gpu", "cpu-old", "cpu-new", "starting"]);
    expect(listed[0]).toEqual({ namespace: "ns", name: "gpu", leaseOwner: "akash1deployer", since: "2026-11-30T10:00:00.000Z", gpus: 1 });
  });
});

describe("Headscale", () => {
  test("a passing check says how many home devices are online on the tailnet", () => {
    const nodes = [node("ah-1", [DEVICE]), node("ah-2", [DEVICE], false), node("ingress-1", [INGRESS])];
    expect(headscaleHealth({ ok: true, message: "ok" }, nodes, DEVICE, AT)).toEqual({ status: "ok", detail: "ok: 1 of 2 device nodes online", checkedAt: AT });
    expect(headscaleHealth({ ok: true, message: "ok" }, null, DEVICE, AT).detail).toBe("ok");
  });

  test("a failing check keeps Headscale's own words", () => {
    expect(headscaleHealth({ ok: false, message: "cannot reach Headscale at http://hs: check the region's headscale.url" }, null, DEVICE, AT)).toMatchObject({ status: "failing", detail: expect.stringContaining("headscale.url") });
  });
});

describe("ingress", () => {
  test("healthy when every ingress machine is online on the tailnet and a Ready Node", () => {
    const h = ingressHealth([node("ingress-1", [INGRESS]), node("ingress-2", [INGRESS]), node("ah-1", [DEVICE])], new Map([["ingress-1", true], ["ingress-2", true]]), INGRESS, AT);
    expect(h).toEqual({ status: "ok", detail: "ok: 2 ingress machines online on the tailnet and Ready in the cluster", checkedAt: AT });
  });

  test("no tagged machine means tenants have no way in, and says how to join one", () => {
    const h = ingressHealth([node("ah-1", [DEVICE])], new Map(), INGRESS, AT);
    expect(h.status).toBe("failing");
    expect(h.detail).toContain(`headscale preauthkeys create --tags ${INGRESS}`);
  });

  test("each machine that is down is named with why: offline, not in the cluster, or not Ready", () => {
    const h = ingressHealth(
      [node("ingress-a", [INGRESS], false, "2026-11-30T09:00:00Z"), node("ingress-b", [INGRESS]), node("ingress-c", [INGRESS]), node("ingress-d", [INGRESS])],
      new Map([["ingress-c", false], ["ingress-d", true]]),
      INGRESS,
      AT,
    );
    expect(h.status).toBe("failing");
    expect(h.detail).toBe("1 of 4 ingress machines up: ingress-a is offline on the tailnet (last seen 2026-11-30T09:00:00Z); ingress-b is not a Node of the cluster: join it as a k3s agent; ingress-c is not Ready in the cluster");
  });

  test("when the cluster does not answer, the tailnet's view alone decides, and the detail says so", () => {
    expect(ingressHealth([node("ingress-1", [INGRESS])], null, INGRESS, AT)).toMatchObject({ status: "ok", detail: expect.stringContaining("the cluster did not answer") });
  });
});

describe("cluster health with leaves still to finish", () => {
  const down = { status: "failing" as const, detail: "connect ECONNREFUSED 10.0.0.1:6443", checkedAt: AT };
  test("names how many removed devices still have a node there, and keeps the check's own status and detail", () => {
    expect(withPendingLeaves(down, 1)).toEqual({ ...down, detail: "connect ECONNREFUSED 10.0.0.1:6443; 1 removed device still has its node and tailnet node here, deleted as soon as the region answers" });
    expect(withPendingLeaves(down, 3).detail).toContain("; 3 removed devices still have their node and tailnet node here");
  });
  test("says nothing more when nothing is left", () => {
    expect(withPendingLeaves(down, 0)).toBe(down);
  });
});
