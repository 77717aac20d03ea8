import { describe, expect, test } from "bun:test";
import { bestCostModel, capacityWithin, reconnectSeconds } from "./cost-fit.ts";
import { policyFor } from "./region.ts";

describe("sizing a region from Headscale's CPU per join", () => {
  test("a cost that grows with the square of the devices is recognised as such and sizes the region smaller", () => {
    const square = Array.from({ length: 100 }, (_, i) => [i + 1, 20 + 0.5 * (i + 1) ** 2] as [number, number]);
    const linear = Array.from({ length: 100 }, (_, i) => [i + 1, 280 + 4.4 * (i + 1)] as [number, number]);
    const s = bestCostModel(square);
    const l = bestCostModel(linear);
    expect(s.kind).toBe("square");
    expect(l.kind).toBe("linear");
    expect(s.k).toBeCloseTo(0.5, 5);
    // The full reconnect of 100 devices is the sum of the 100 joins.
    expect(reconnectSeconds(s, 100)).toBeCloseTo(square.reduce((a, [, y]) => a + y, 0) / 1000, 6);
    const small = capacityWithin(s, 300);
    const large = capacityWithin(l, 300);
    expect(reconnectSeconds(s, small)).toBeLessThanOrEqual(300);
    expect(reconnectSeconds(s, small + 1)).toBeGreaterThan(300);
    expect(small).toBeLessThan(large);
  });
});

describe("the policy variants compared", () => {
  const acls = (variant: Parameters<typeof policyFor>[0]) => JSON.parse(policyFor(variant).replace(/^\/\/.*$/gm, "")).acls as { src: string[]; dst: string[] }[];

  test("the region's policy lets the pod network reach itself; no-pod-mesh drops only that source", () => {
    const region = acls("region");
    const noMesh = acls("no-pod-mesh");
    const podToPod = (rules: { src: string[]; dst: string[] }[]) => rules.some((r) => r.src.includes("akash-pods") && r.dst.some((d) => d.startsWith("akash-pods:")));
    expect(podToPod(region)).toBe(true);
    expect(podToPod(noMesh)).toBe(false);
    // Ingress and control still reach pods, and pods still reach the API server.
    expect(noMesh.some((r) => r.src.includes("tag:akash-ingress") && r.dst.includes("akash-pods:*"))).toBe(true);
    expect(noMesh.some((r) => r.src.includes("akash-pods") && r.dst.includes("tag:akash-control:6443"))).toBe(true);
    expect(noMesh.length).toBe(region.length);
  });
});
