// Lease revenue attributed on a real control plane: etcd, kube-apiserver, kube-scheduler and
// kube-controller-manager, with KWOK keeping Nodes named like devices (their ids) Ready. Each lease gets
// the namespace the Akash provider would create (named by hashing the lease id, with the lease labels) and
// a Deployment; the real scheduler places its pods. The registry's cluster watcher reports the Nodes and
// pods, the rewards sampler and recorder keep their intervals in the store, and closing the epoch must
// credit each lease's usage to the devices whose Nodes ran its pods, by requested resources × time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import type { ClusterWatch } from "../../registry/clusters/cluster-admin.ts";
import { KubeClusterAdmin } from "../../registry/clusters/kube-cluster-admin.ts";
import { testDeviceKey } from "../../registry/devices/testing.ts";
import { ClusterRecorder } from "../../registry/rewards/cluster-recorder.ts";
import { ClusterSampler } from "../../registry/rewards/cluster-sampler.ts";
import { leaseIdFromLabels, leaseKey, leaseNamespace, type LeaseId } from "../../registry/rewards/lease-id.ts";
import { DEFAULT_REWARD_POLICY, type RewardPolicy } from "../../registry/rewards/policy.ts";
import type { Interval } from "../../registry/rewards/ports.ts";
import { RewardsService } from "../../registry/rewards/service.ts";
import { SqlRewardsRepo } from "../../registry/rewards/sql-rewards-repo.ts";
import { device, lease, TEST_PROVIDER } from "../../registry/rewards/testing/facts.ts";
import { FixedChain, StaticDevices, StaticUptime, testServiceOptions } from "../../registry/rewards/testing/fakes.ts";
import type { SqlDriver } from "../../registry/store/sql-driver.ts";
import { startKubeCluster, type KubeCluster } from "../infra/kube-cluster.ts";
import { waitUntil } from "../infra/process.ts";
import { withLogsOnFailure } from "../infra/work-dir.ts";
import { openTestDriver } from "../support/engines.ts";
import { deployLease, kwokNode } from "./support/lease-workloads.ts";

const OWNER = "akash1q0e6fl8z2fsfw454mg4c6rseqs0z4d0dcuq5e8";
const TENANT = "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09";
/** A short epoch, so the test can watch one from start to end. */
const EPOCH_MS = 20_000;
const POLICY: RewardPolicy = { ...DEFAULT_REWARD_POLICY, epochHours: EPOCH_MS / 3_600_000 };

// Three devices: one with a GPU, two CPU-only in a "cpu" pool. Node names are the devices' ids.
const GPU = testDeviceKey().id;
const CPU1 = testDeviceKey().id;
const CPU2 = testDeviceKey().id;

const WEB: LeaseId = { owner: TENANT, dseq: "4100001", gseq: 1, oseq: 1, provider: TEST_PROVIDER };
const TRAIN: LeaseId = { owner: TENANT, dseq: "4100002", gseq: 1, oseq: 1, provider: TEST_PROVIDER };
const STUCK: LeaseId = { owner: TENANT, dseq: "4100003", gseq: 1, oseq: 1, provider: TEST_PROVIDER };

let cluster: KubeCluster;
let db: SqlDriver;
let watch: ClusterWatch;
let sampling: ReturnType<typeof setInterval> | undefined;

const podsOf = async (id: LeaseId): Promise<V1Pod[]> => (await cluster.api(CoreV1Api).listNamespacedPod({ namespace: leaseNamespace(id) })).items;

beforeAll(async () => {
  cluster = await withLogsOnFailure(() => startKubeCluster({ kwok: true }));
  db = await openTestDriver("sqlite");
}, 240_000);

afterAll(async () => {
  if (sampling) clearInterval(sampling);
  await watch?.stop();
  await db?.close();
  await cluster?.stop();
});

describe("attribution of lease revenue to the devices that ran the pods", () => {
  test(
    "the scheduler's placement, read back through the cluster watcher, credits each lease to the right devices",
    () =>
      withLogsOnFailure(async () => {
        const core = cluster.api(CoreV1Api);
        await core.createNode({ body: kwokNode(GPU, { pool: "gpu", capacity: { cpu: "16", memory: "64Gi", pods: "110", "nvidia.com/gpu": "1" } }) });
        await core.createNode({ body: kwokNode(CPU1, { pool: "cpu", capacity: { cpu: "4", memory: "16Gi", pods: "110" } }) });
        await core.createNode({ body: kwokNode(CPU2, { pool: "cpu", capacity: { cpu: "4", memory: "16Gi", pods: "110" } }) });
        await waitUntil(
          "device nodes Ready",
          async () => (await core.listNode()).items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length === 3,
          { timeoutMs: 60_000, intervalMs: 250, processes: [...cluster.processes] },
        );

        // The rewards side, as the registry wires it: watcher → sampler → recorder (store) → service.
        const repo = new SqlRewardsRepo(db);
        const recorder = new ClusterRecorder(repo, 5_000);
        const sampler = new ClusterSampler();
        watch = await new KubeClusterAdmin(cluster.kubeConfig()).watch({ onNode: (s) => sampler.update(s) });
        sampling = setInterval(() => void recorder.record(sampler.snapshot(Date.now())), 1000);

        // Three leases: a web service of 3 × 1 CPU on the CPU pool, a training job needing the GPU, and one
        // asking for more CPU than any device has, which stays Pending. A pod outside any lease namespace too.
        await deployLease(cluster, WEB, { name: "web", replicas: 3, requests: { cpu: "1", memory: "1Gi" }, pool: "cpu" });
        await deployLease(cluster, TRAIN, { name: "train", replicas: 1, requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" }, pool: "gpu" });
        await deployLease(cluster, STUCK, { name: "stuck", replicas: 1, requests: { cpu: "100", memory: "1Gi" }, pool: "cpu" });
        await core.createNamespacedPod({ namespace: "default", body: { metadata: { name: "not-a-lease" }, spec: { nodeName: CPU1, containers: [{ name: "x", image: "registry.invalid/x:1" }] } } });
        await waitUntil(
          "lease pods running",
          async () => {
            const running = async (id: LeaseId, n: number) => (await podsOf(id)).filter((p) => p.status?.phase === "Running").length === n;
            return (await running(WEB, 3)) && (await running(TRAIN, 1));
          },
          { timeoutMs: 60_000, intervalMs: 250, processes: [...cluster.processes] },
        );
        // The namespace is the provider's: its name is the hash of the lease id, its labels give the id back.
        const ns = await core.readNamespace({ name: leaseNamespace(WEB) });
        expect(leaseIdFromLabels(ns.metadata!.labels)).toEqual(WEB);

        // One epoch starts now and runs while the pods run; the chain has a block every 6 s.
        const start = Date.now() + 1000;
        const chain = new FixedChain(start, 5_000_000n, 6000, () => Date.now());
        chain.leases = [lease(WEB, "100", 4_999_000n), lease(TRAIN, "1000", 4_999_000n), lease(STUCK, "10", 4_999_000n)];
        const up: Interval[] = [{ startMs: start - 60_000, endMs: start + 10 * EPOCH_MS }];
        const uptime = new StaticUptime(new Map([GPU, CPU1, CPU2].map((id) => [id, up])));
        const devices = new StaticDevices([device(GPU, { owner: OWNER, gpus: 1, threads: 16, memoryGiB: 64 }), device(CPU1, { owner: OWNER, threads: 4, memoryGiB: 16 }), device(CPU2, { owner: OWNER, threads: 4, memoryGiB: 16 })]);
        const service = new RewardsService(testServiceOptions({ repo, chain, cluster: recorder, uptime, devices, policy: POLICY, firstEpochStartsAt: start }));
        await service.start();
        await service.ensureEpochs(start);
        await Bun.sleep(start + EPOCH_MS + 7000 - Date.now());
        const summary = await service.closeEpoch(1);
        expect(summary.status).toBe("closed");

        // Where the scheduler put each lease's pods, from the API server itself.
        const placed = async (id: LeaseId) => {
          const count = new Map<string, number>();
          for (const p of await podsOf(id)) if (p.status?.phase === "Running") count.set(p.spec!.nodeName!, (count.get(p.spec!.nodeName!) ?? 0) + 1);
          return count;
        };
        const webPlaced = await placed(WEB);
        const trainPlaced = await placed(TRAIN);
        expect([...trainPlaced.keys()]).toEqual([GPU]);
        for (const node of webPlaced.keys()) expect([CPU1, CPU2]).toContain(node);

        const lines = await repo.linesOfEpoch(1);
        const usage = (id: LeaseId) => lines.filter((l) => l.kind === "usage_credit" && l.ref === leaseKey(id));
        // The training lease: all of its usage to the GPU device.
        expect(usage(TRAIN).map((l) => l.device)).toEqual([GPU]);
        // The web lease: to exactly the devices running its pods, in proportion to the pods each ran
        // (equal requests, all running the whole epoch).
        const web = usage(WEB);
        expect(new Set(web.map((l) => l.device))).toEqual(new Set(webPlaced.keys()));
        const gross = new Map(web.map((l) => [l.device!, Number(l.gross! / 10n ** 12n)]));
        const total = [...gross.values()].reduce((a, b) => a + b, 0);
        for (const [node, pods] of webPlaced) expect(gross.get(node)! / total).toBeCloseTo(pods / 3, 2);
        // The pending lease ran nowhere: its revenue went to the availability pool, none as usage.
        expect(usage(STUCK)).toEqual([]);
        const stuckPool = lines.find((l) => l.kind === "availability_pool" && l.ref === leaseKey(STUCK))!;
        expect(stuckPool.detail!.seen).toBe(0);
        // Every device was up and Ready by both records: each has an availability share.
        const available = new Set(lines.filter((l) => l.kind === "availability_credit").map((l) => l.device));
        expect(available).toEqual(new Set([GPU, CPU1, CPU2]));
        // Only lease namespaces were recorded.
        const recorded = await repo.podIntervals(start - 60_000, Date.now());
        expect(new Set(recorded.map((r) => r.namespace))).toEqual(new Set([leaseNamespace(WEB), leaseNamespace(TRAIN)]));
        expect((await service.verifyEpoch(1)).matches).toBe(true);
      }),
    180_000,
  );
});
