// The registry as it runs, with a connected region: the real registry process (registry/main.ts and its
// region wiring) watches a real control plane (etcd, kube-apiserver, scheduler, controller-manager) where
// KWOK keeps Nodes Ready, and reads leases and block heights from an Akash REST endpoint on loopback that
// answers in the recorded response shapes. Devices check in and heartbeat over the API; their Nodes and a
// provider-owned Node run lease pods the real scheduler placed. Nothing but the registry records the
// cluster, and no one closes the epoch by hand: it must close on its own once it ends, with each lease's
// revenue credited to the devices whose Nodes ran its pods, the provider's Node taking its share of the
// work, and an availability share only for devices both heartbeating and Ready and schedulable. The
// payout batch then pays the owner at the payout address they set.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { toBech32 } from "@cosmjs/encoding";
import { REGISTRY_API, type EarningsStatement, type EpochSummaryList, type EpochVerification, type PayoutBatch } from "../../protocol/index.ts";
import { EDGE_LABEL } from "../../registry/clusters/node-labels.ts";
import { leaseKey, leaseNamespace, type LeaseId } from "../../registry/rewards/lease-id.ts";
import { heartbeat, checkIn, newDevice, sessionFetch } from "../api/support/device-requests.ts";
import { startKubeCluster, type KubeCluster } from "../infra/kube-cluster.ts";
import { waitUntil } from "../infra/process.ts";
import { registryKubeconfigFile } from "../infra/registry-credentials.ts";
import { withLogsOnFailure } from "../infra/work-dir.ts";
import { leasesPage, startAkashRestStub, type AkashRestStub } from "../support/akash-rest-stub.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { deployLease, kwokNode } from "./support/lease-workloads.ts";

const PROVIDER = "akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh";
const TENANT = "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09";
const HOUR = 3_600_000;
/** Time to check devices in and get the lease pods running before the epoch ends. */
const SETUP_MS = 75_000;
const WEB: LeaseId = { owner: TENANT, dseq: "5100001", gseq: 1, oseq: 1, provider: PROVIDER };
const MIX: LeaseId = { owner: TENANT, dseq: "5100002", gseq: 1, oseq: 1, provider: PROVIDER };

let cluster: KubeCluster;
let chain: AkashRestStub;
let registry: RegistryProcess;
let operator: TestOwner;
let owner: TestOwner;
let epochEnd = 0;
let beating: ReturnType<typeof setInterval> | undefined;

beforeAll(async () => {
  cluster = await withLogsOnFailure(() => startKubeCluster({ kwok: true }));
  // The chain: a block every 6 s; the provider's two leases open since long before the epoch.
  chain = startAkashRestStub({
    genesisMs: Date.now() - 2 * 24 * HOUR,
    genesisHeight: 1_000_000,
    leases: (url) =>
      leasesPage(
        url.searchParams.get("filters.provider") !== PROVIDER
          ? []
          : [
              { id: WEB, denom: "uakt", price: "40.000000000000000000", createdAt: 1_000_100 },
              { id: MIX, denom: "uakt", price: "25.500000000000000000", createdAt: 1_000_100 },
            ],
      ),
  });
  const operatorWallet = await newOwnerWallet();
  const apiKeyFile = join(cluster.dir, "headscale-api-key");
  writeFileSync(apiKeyFile, "unused\n", { mode: 0o600 });
  // One epoch of an hour that ends once the devices are set up; the registry starts in the middle of it.
  epochEnd = Date.now() + SETUP_MS;
  registry = await startRegistryProcess({
    flags: ["--ip-rate", "0", "--heartbeat-interval", "2", "--offline-grace", "10"],
    regionsYaml: `${oneRegionYaml({ admins: [operatorWallet.address], cluster: { kubeconfig: await registryKubeconfigFile(cluster), headscaleUrl: "http://127.0.0.1:9", apiKeyFile, joinServer: cluster.apiServerUrl } })}rewards:
  provider: ${PROVIDER}
  chain: { restUrl: "${chain.url}" }
  firstEpochStartsAt: "${new Date(epochEnd - HOUR).toISOString()}"
  observationGraceS: 3
  policy: { version: 1, epochHours: 1, verification: { requireBenchmark: false }, minimumPayout: { uakt: 1 } }
`,
  });
  operator = await signInOwner(registry.url, operatorWallet);
  owner = await signInOwner(registry.url);
}, 240_000);

afterAll(async () => {
  if (beating) clearInterval(beating);
  await registry?.stop();
  chain?.stop();
  await cluster?.stop();
});

describe("a registry with a connected region records the cluster for rewards and closes epochs on schedule", () => {
  test(
    "the epoch closes by itself; leases are credited to the devices that ran their pods, availability to devices up by both records",
    () =>
      withLogsOnFailure(async () => {
        // Three devices of one owner check in. A and B heartbeat and are Ready; C heartbeats but its Node is cordoned.
        const devices: { id: string; token: string; seq: number }[] = [];
        for (let i = 0; i < 3; i++) {
          const answer = await checkIn(registry.url, newDevice(), await owner.claimCode());
          devices.push({ id: answer.device.deviceId, token: answer.session.token, seq: 0 });
        }
        const [a, b, c] = devices as [(typeof devices)[number], (typeof devices)[number], (typeof devices)[number]];
        const payTo = toBech32("akash", crypto.getRandomValues(new Uint8Array(20)));
        expect(await (await owner.call("POST", REGISTRY_API.ownerPayoutAddress, { address: payTo })).json()).toEqual({ payoutAddress: payTo, isOwn: false });
        const beat = () => {
          for (const d of devices) void sessionFetch(registry.url, d.token, "POST", REGISTRY_API.telemetry, { records: [heartbeat(++d.seq)] });
        };
        beat();
        beating = setInterval(beat, 1000);
        const core = cluster.api(CoreV1Api);
        const device = { [EDGE_LABEL]: "true" };
        await core.createNode({ body: kwokNode(a.id, { pool: "web", labels: device }) });
        await core.createNode({ body: kwokNode(b.id, { pool: "mix", labels: device }) });
        await core.createNode({ body: kwokNode(c.id, { pool: "mix", labels: device, unschedulable: true }) });
        // The provider's own Node: no device, but the MIX lease runs one of its two pods there.
        await core.createNode({ body: kwokNode("provider-0", { pool: "mix" }) });
        const requests = { cpu: "1", memory: "1Gi" };
        await deployLease(cluster, WEB, { name: "web", replicas: 1, requests, pool: "web" });
        await deployLease(cluster, MIX, { name: "mix", replicas: 2, requests, pool: "mix", spread: true });
        const running = async (id: LeaseId) => (await core.listNamespacedPod({ namespace: leaseNamespace(id) })).items.filter((p) => p.status?.phase === "Running");
        await waitUntil("lease pods running", async () => (await running(WEB)).length === 1 && (await running(MIX)).length === 2, { timeoutMs: 60_000, intervalMs: 250, processes: [...cluster.processes] });
        expect(Date.now()).toBeLessThan(epochEnd - 10_000);
        expect(new Set((await running(MIX)).map((p) => p.spec!.nodeName))).toEqual(new Set([b.id, "provider-0"]));

        // Nobody closes it: the registry does, shortly after the epoch's end.
        const epochs = async () => (await (await operator.call("GET", REGISTRY_API.adminEpochs)).json()) as EpochSummaryList;
        await waitUntil("epoch 1 closed by the registry", async () => (await epochs()).epochs.some((e) => e.epochId === 1 && e.status === "closed"), {
          timeoutMs: epochEnd - Date.now() + 60_000,
          intervalMs: 1000,
        });
        const list = (await epochs()).epochs;
        expect(list.find((e) => e.epochId === 2)).toMatchObject({ status: "open", endsAt: new Date(epochEnd + HOUR).toISOString() });
        const verified = (await (await operator.call("GET", `${REGISTRY_API.adminEpochs}/1/verify`)).json()) as EpochVerification;
        expect(verified.matches).toBe(true);

        const statement = (await (await owner.call("GET", REGISTRY_API.ownerStatement)).json()) as EarningsStatement;
        const credits = (kind: string, lease?: LeaseId) => statement.lines.filter((l) => l.kind === kind && (!lease || l.explanation.includes(leaseKey(lease))));
        // WEB ran only on A; MIX on B and on the provider's Node: B has about half of MIX's requested resources × time.
        expect(credits("usage_credit", WEB).map((l) => l.device)).toEqual([a.id]);
        const mix = credits("usage_credit", MIX);
        expect(mix.map((l) => l.device)).toEqual([b.id]);
        const share = Number(/: ([\d.]+) % of the lease's requested resources/.exec(mix[0]!.explanation)![1]);
        expect(share).toBeGreaterThan(35);
        expect(share).toBeLessThan(65);
        // Availability: A and B were heartbeating and Ready; C heartbeated but was cordoned all along.
        expect(new Set(credits("availability_credit").map((l) => l.device))).toEqual(new Set([a.id, b.id]));
        for (const l of [...credits("usage_credit"), ...credits("availability_credit")]) expect(BigInt(l.amount)).toBeGreaterThan(0n);

        // The owner set a payout address (a hardware wallet's) while the epoch ran: the batch pays it, not the sign-in address.
        const built = await operator.call("POST", REGISTRY_API.adminPayouts, { denom: "uakt" });
        expect(built.status).toBe(200);
        const batch = (await built.json()) as PayoutBatch;
        const net = statement.totals.find((t) => t.denom === "uakt")!.net;
        expect(batch.items).toEqual([{ owner: owner.address, address: payTo, amount: net }]);
        expect(JSON.stringify(batch.txs[0]!.unsignedTx)).toContain(payTo);
        expect(JSON.stringify(batch.txs[0]!.unsignedTx)).not.toContain(owner.address);
      }),
    300_000,
  );
});
