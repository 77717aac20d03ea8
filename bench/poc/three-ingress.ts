// POC scenario 3 — 3 ingress nodes and 100 remote workers: a Deployment spread over every worker with a
// topology spread constraint (pods per node: min, max, standard deviation), requests from clients spread
// over the 3 ingress addresses (as DNS round robin spreads them) reaching every real device from every
// ingress, then a soak: the region left running under light traffic while etcd's database size, the API
// server's request latency and the Ready node count are sampled.
//   bun bench/poc/three-ingress.ts [--workers 100] [--devices 10] [--pods 1050] [--requests 3000]
//                                  [--soak-minutes 10] [--sample-seconds 30] [--soak-rps 10]
import type { Checks } from "./checks.ts";
import { numberArg } from "./cli-args.ts";
import { quantileBetween, readyNodes, sampleApiLatency, sampleEtcd, sampleProcess, sampleWriteCounts, timedGet, type LatencyBuckets } from "./cluster-metrics.ts";
import { sendRequests, type LoadResult } from "./load.ts";
import { kwokWorkerLabels, POD_PORT, WORKER_CAPACITY, type Region } from "./region.ts";
import { runScenario } from "./scenario.ts";
import { summarize } from "./summary.ts";
import { pathCounts } from "./tailnet-path.ts";
import { createDeployment, deployDataPath, spreadOf, waitRunning } from "./workloads.ts";
import { EDGE_LABEL } from "../../registry/clusters/node-labels.ts";

const workers = numberArg("workers", 100, 1);
const devices = numberArg("devices", 10, 1);
const pods = numberArg("pods", 1050, 1);
const requests = numberArg("requests", 3000, 1);
const soakMinutes = numberArg("soak-minutes", 10, 0);
const sampleSeconds = numberArg("sample-seconds", 30, 1);
const soakRps = numberArg("soak-rps", 10, 0);
const INGRESS = 3;
const apiPerDevice = 3;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100;

interface ProxyStats {
  name: string;
  requests: number;
  failed: number;
  retried: number;
  endpoints: number;
  perBackend: Record<string, number>;
}

await runScenario("three-ingress", { devices, ingress: INGRESS, ingressService: "default/api" }, async (region, checks) => {
  const kwokNodes = workers > devices ? await region.cluster.kwok!.createFakeNodes(workers - devices, { namePrefix: "kwok", labels: kwokWorkerLabels, capacity: { ...WORKER_CAPACITY }, timeoutMs: 180_000 }) : [];
  const workerNames = [...region.devices.map((d) => d.name), ...kwokNodes];
  checks.check(`${workers} workers Ready`, (await readyNodes(region)).ready === workers, await readyNodes(region));

  // Even spread, enforced: at most one pod of difference between any two workers.
  await createDeployment(region.cluster, {
    name: "web",
    replicas: pods,
    nodeSelector: { [EDGE_LABEL]: "true" },
    topologySpread: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }],
  });
  const web = await waitRunning(region.cluster, "web", pods, 600_000);
  const spread = spreadOf(web.pods, workerNames);
  console.error(`per-node pods: ${JSON.stringify(spread.summary)}; histogram ${JSON.stringify(spread.histogram)}`);
  checks.check(`${pods} pods spread over ${workers} workers within maxSkew 1`, web.pods.length === pods && spread.summary.max - spread.summary.min <= 1, {
    ...spread.summary,
    seconds: Math.round(web.ms / 100) / 10,
  });

  const apiPods = devices * apiPerDevice;
  const api = await deployDataPath(region.cluster, apiPods);
  for (const ingress of region.ingress) {
    for (let i = 0; i < 120; i++) {
      if (((await (await fetch(`${ingress.url}/__poc/endpoints`)).json()) as unknown[]).length === apiPods) break;
      await Bun.sleep(500);
    }
  }
  const podOf = (device: string) => api.pods.find((p) => p.spec?.nodeName === device)?.status?.podIP ?? "";
  const waits = await Promise.all(region.ingress.flatMap((ing) => region.devices.map((d) => ing.prober.wait(podOf(d.name), POD_PORT, 60_000))));
  checks.check(`each of the ${INGRESS} ingress nodes reaches a pod on each of the ${devices} devices`, waits.every((w) => w.ok), { paths: waits.length, slowestMs: Math.round(Math.max(...waits.map((w) => w.ms))) });

  const ingressUrls = region.ingress.map((i) => i.url);
  const proxyStats = async () => Promise.all(region.ingress.map(async (i) => (await (await fetch(`${i.url}/__poc/stats`)).json()) as ProxyStats));
  const before = await proxyStats();
  const load = await sendRequests({ ingressUrls, requests, concurrency: 12, pick: "random" });
  const after = await proxyStats();
  const perIngress = Object.fromEntries(after.map((s, i) => [s.name, s.requests - before[i]!.requests]));
  const share = Object.values(perIngress).map((n) => n / requests);
  checks.check(`${requests} requests through the ${INGRESS} ingress nodes all answered`, load.ok === requests && load.failed === 0 && load.mismatches === 0, { ok: load.ok, failed: load.failed, mismatches: load.mismatches, failures: load.failures });
  checks.check("the load is balanced over the 3 ingress nodes (each within 1/3 ± 5 %)", share.every((s) => Math.abs(s - 1 / 3) <= 0.05), perIngress);
  const devicesPerIngress = after.map((s) => new Set(Object.keys(s.perBackend).map((k) => k.split("/")[0])).size);
  checks.check("every ingress sent requests to every real device", devicesPerIngress.every((n) => n === devices), Object.fromEntries(after.map((s, i) => [s.name, devicesPerIngress[i]])));
  const podsPerIngressSpread = after.map((s) => summarize(Object.values(s.perBackend)));
  const paths = await Promise.all(region.ingress.map((i) => pathCounts(i.daemon, region.devices.map((d) => d.tailnetIp))));

  // The soak.
  const soak = await runSoak(region, ingressUrls, checks);

  return {
    workers,
    realDevices: devices,
    kwokWorkers: kwokNodes.length,
    web: { pods, runningSeconds: Math.round(web.ms / 100) / 10, summary: spread.summary, histogram: spread.histogram, perNode: spread.perNode },
    api: { pods: apiPods, runningSeconds: Math.round(api.ms / 100) / 10 },
    balance: { perIngress, perIngressPerPod: podsPerIngressSpread, ingressToDevicePaths: Object.fromEntries(after.map((s, i) => [s.name, paths[i]])) },
    load,
    soak,
  };
});

interface SoakSample {
  minute: number;
  readyNodes: number;
  etcdDbMiB: number;
  etcdInUseMiB: number;
  etcdRevision: number;
  apiReadRequests: number;
  apiReadP50Ms: number;
  apiReadP99Ms: number;
  apiWriteRequests: number;
  apiWriteP50Ms: number;
  apiWriteP99Ms: number;
  listNodesMs: number;
  listPodsMs: number;
  trafficOk: number;
  trafficFailed: number;
  apiserverRssMiB: number;
  etcdRssMiB: number;
  headscaleRssMiB: number;
  /** controlPlaneCpu: share of one core used by etcd + kube-apiserver since the last sample, %. */
  controlPlaneCpuPct: number;
}

async function runSoak(region: Region, ingressUrls: string[], checks: Checks) {
  const soakMs = soakMinutes * 60_000;
  const pid = (name: string) => region.cluster.processes.find((p) => p.name === name)!.pid;
  const [etcdPid, apiserverPid, headscalePid] = [pid("etcd"), pid("kube-apiserver"), region.headscalePid()];
  const started = performance.now();
  let done = false;
  // Background traffic through every ingress for the whole soak; its counts are read at each sample.
  const window = { ok: 0, failed: 0 };
  const traffic: Promise<LoadResult | undefined> =
    soakRps > 0
      ? (async () => {
          let last: LoadResult | undefined;
          while (!done) {
            // Batches of one sample's worth, so each sample reports its own window.
            last = await sendRequests({ ingressUrls, requests: Math.max(1, Math.round(soakRps * sampleSeconds)), concurrency: 4, pick: "random", ratePerSecond: soakRps, until: () => done });
            window.ok += last.ok;
            window.failed += last.failed;
          }
          return last;
        })()
      : Promise.resolve(undefined);

  const samples: SoakSample[] = [];
  let latencyBefore: LatencyBuckets = await sampleApiLatency(region);
  let cpuBefore = sampleProcess(etcdPid).cpuSeconds + sampleProcess(apiserverPid).cpuSeconds;
  let cpuAt = performance.now();
  const first = await sampleEtcd(region);
  const writesBefore = await sampleWriteCounts(region);
  const take = async () => {
    const [etcd, latency, nodes, listNodesMs, listPodsMs] = await Promise.all([
      sampleEtcd(region),
      sampleApiLatency(region),
      readyNodes(region),
      timedGet(region, "/api/v1/nodes"),
      timedGet(region, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb"),
    ]);
    const cpuNow = sampleProcess(etcdPid).cpuSeconds + sampleProcess(apiserverPid).cpuSeconds;
    const now = performance.now();
    const q = (which: "read" | "write", quantile: number) => quantileBetween(latencyBefore[which], latency[which], quantile);
    const sample: SoakSample = {
      minute: Math.round((now - started) / 600) / 100,
      readyNodes: nodes.ready,
      etcdDbMiB: mib(etcd.dbTotalBytes),
      etcdInUseMiB: mib(etcd.dbInUseBytes),
      etcdRevision: etcd.revision,
      apiReadRequests: q("read", 0.5).count,
      apiReadP50Ms: q("read", 0.5).ms,
      apiReadP99Ms: q("read", 0.99).ms,
      apiWriteRequests: q("write", 0.5).count,
      apiWriteP50Ms: q("write", 0.5).ms,
      apiWriteP99Ms: q("write", 0.99).ms,
      listNodesMs,
      listPodsMs,
      trafficOk: window.ok,
      trafficFailed: window.failed,
      apiserverRssMiB: sampleProcess(apiserverPid).rssMiB,
      etcdRssMiB: sampleProcess(etcdPid).rssMiB,
      headscaleRssMiB: sampleProcess(headscalePid).rssMiB,
      controlPlaneCpuPct: Math.round(((cpuNow - cpuBefore) / ((now - cpuAt) / 1000)) * 1000) / 10,
    };
    latencyBefore = latency;
    cpuBefore = cpuNow;
    cpuAt = now;
    window.ok = 0;
    window.failed = 0;
    samples.push(sample);
    console.error(`soak ${sample.minute} min: ${JSON.stringify(sample)}`);
  };
  try {
    while (performance.now() - started < soakMs) {
      await Bun.sleep(Math.min(sampleSeconds * 1000, Math.max(0, soakMs - (performance.now() - started))));
      await take();
    }
  } finally {
    done = true;
    await traffic;
  }
  const last = await sampleEtcd(region);
  const writesAfter = await sampleWriteCounts(region);
  const elapsedMinutes = (performance.now() - started) / 60_000;
  // Who writes at steady state, per minute: node leases, node status, events…
  const writesPerMinute = Object.fromEntries(
    [...writesAfter]
      .map(([k, v]) => [k, Math.round(((v - (writesBefore.get(k) ?? 0)) / Math.max(elapsedMinutes, 1e-9)) * 10) / 10] as const)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]),
  );
  if (samples.length > 0) {
    checks.check(`all ${workers} workers Ready at every sample`, samples.every((s) => s.readyNodes === workers), { min: Math.min(...samples.map((s) => s.readyNodes)) });
    const failed = samples.reduce((n, s) => n + s.trafficFailed, 0);
    const ok = samples.reduce((n, s) => n + s.trafficOk, 0);
    checks.check("no request through the ingress failed during the soak", failed === 0 && (soakRps === 0 || ok > 0), { ok, failed });
    const worstRead = Math.max(...samples.map((s) => s.apiReadP99Ms));
    const worstWrite = Math.max(...samples.map((s) => s.apiWriteP99Ms));
    checks.check("API request latency p99 within the 1 s SLO in every sample (reads and writes)", worstRead <= 1000 && worstWrite <= 1000, { worstReadP99Ms: worstRead, worstWriteP99Ms: worstWrite });
    checks.check("etcd saw no leader change", last.leaderChanges === first.leaderChanges, { leaderChanges: last.leaderChanges });
  }
  return {
    minutes: soakMinutes,
    sampleSeconds,
    rps: soakRps,
    etcd: {
      dbMiBStart: mib(first.dbTotalBytes),
      dbMiBEnd: mib(last.dbTotalBytes),
      inUseMiBStart: mib(first.dbInUseBytes),
      inUseMiBEnd: mib(last.dbInUseBytes),
      revisionsPerMinute: elapsedMinutes > 0 ? Math.round((last.revision - first.revision) / elapsedMinutes) : 0,
    },
    apiWritesPerMinute: writesPerMinute,
    samples,
  };
}
