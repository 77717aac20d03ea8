// What the registry counts a pod as using: what the scheduler reserved for it, the way Kubernetes sums it.
import { describe, expect, test } from "bun:test";
import type { V1Pod } from "@kubernetes/client-node";
import { podRequests, podState } from "./pod-state.ts";

const container = (requests: Record<string, string>) => ({ name: "c", image: "x", resources: { requests } });

describe("podRequests", () => {
  test("containers add up", () => {
    const pod: V1Pod = { spec: { containers: [container({ cpu: "500m", memory: "1Gi" }), container({ cpu: "1", memory: "512Mi", "nvidia.com/gpu": "1" })] } };
    expect(podRequests(pod)).toEqual({ cpuCores: 1.5, memoryBytes: 1.5 * 2 ** 30, gpus: 1, ephemeralStorageBytes: 0 });
  });

  test("an init container larger than the containers sets the reservation for that resource only", () => {
    const pod: V1Pod = { spec: { initContainers: [container({ cpu: "4", memory: "64Mi" })], containers: [container({ cpu: "1", memory: "1Gi" })] } };
    expect(podRequests(pod)).toMatchObject({ cpuCores: 4, memoryBytes: 2 ** 30 });
  });

  test("pod overhead (a RuntimeClass's) is added, and AMD GPUs count as GPUs", () => {
    const pod: V1Pod = { spec: { overhead: { cpu: "250m", memory: "120Mi" }, containers: [container({ cpu: "1", "amd.com/gpu": "2", "ephemeral-storage": "10G" })] } };
    expect(podRequests(pod)).toEqual({ cpuCores: 1.25, memoryBytes: 120 * 2 ** 20, gpus: 2, ephemeralStorageBytes: 1e10 });
  });

  test("a pod that asks for nothing reserves nothing", () => {
    expect(podRequests({ spec: { containers: [{ name: "c", image: "x" }] } })).toEqual({ cpuCores: 0, memoryBytes: 0, gpus: 0, ephemeralStorageBytes: 0 });
  });
});

describe("podState", () => {
  test("an unbound pod is not on any node yet", () => {
    expect(podState({ metadata: { name: "p", namespace: "ns" }, spec: { containers: [] } })).toBeNull();
  });

  test("start times read the same from a list (Date) and from a watch (string)", () => {
    const base = { metadata: { name: "p", namespace: "ns" }, spec: { nodeName: "n", containers: [] } };
    const fromList = podState({ ...base, status: { phase: "Running", startTime: new Date("2030-01-02T03:04:05Z") } });
    const fromWatch = podState({ ...base, status: { phase: "Running", startTime: "2030-01-02T03:04:05Z" as unknown as Date } });
    expect(fromList!.startedAt).toBe("2030-01-02T03:04:05.000Z");
    expect(fromWatch!.startedAt).toBe(fromList!.startedAt);
    expect(fromList).toMatchObject({ node: "n", phase: "Running", terminating: false });
  });
});
