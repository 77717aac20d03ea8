// POC scenario 2 — many remote workers: 100 workers, of which --devices are real tailscaled devices behind
// the NAT and the rest KWOK nodes. A Deployment spreads over all of them (the scheduler's defaults; pods
// per node reported); a second Deployment on the real devices sits behind a Service the ingress serves,
// and requests through the ingress reach every real device over the tailnet.
//   bun bench/poc/many-workers.ts [--workers 100] [--devices 10] [--pods 1000] [--requests 1000]
import { numberArg } from "./cli-args.ts";
import { sendRequests } from "./load.ts";
import { kwokWorkerLabels, POD_PORT, WORKER_CAPACITY } from "./region.ts";
import { runScenario } from "./scenario.ts";
import { pathCounts } from "./tailnet-path.ts";
import { createDeployment, createService, deployDataPath, endpointCount, spreadOf, waitRunning } from "./workloads.ts";
import { EDGE_LABEL } from "../../registry/clusters/node-labels.ts";

const workers = numberArg("workers", 100, 1);
const devices = numberArg("devices", 10, 1);
const pods = numberArg("pods", 1000, 1);
const requests = numberArg("requests", 1000, 1);
const apiPerDevice = 3;

await runScenario("many-workers", { devices, ingress: 1, ingressService: "default/api" }, async (region, checks) => {
  const t = performance.now();
  const kwokNodes = workers > devices ? await region.cluster.kwok!.createFakeNodes(workers - devices, { namePrefix: "kwok", labels: kwokWorkerLabels, capacity: { ...WORKER_CAPACITY }, timeoutMs: 180_000 }) : [];
  const workerNames = [...region.devices.map((d) => d.name), ...kwokNodes];
  const ready = (await region.core().listNode()).items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  checks.check(`${workers} workers Ready (${devices} real devices + ${kwokNodes.length} KWOK)`, ready.length === workers, { ready: ready.length, seconds: Math.round((performance.now() - t) / 100) / 10 });

  // The spread: one Deployment over every worker, placed by the scheduler's default scoring.
  await createDeployment(region.cluster, { name: "web", replicas: pods, nodeSelector: { [EDGE_LABEL]: "true" } });
  await createService(region.cluster, "web");
  const web = await waitRunning(region.cluster, "web", pods, 600_000);
  const spread = spreadOf(web.pods, workerNames);
  checks.check(`${pods} pods Running across the workers`, web.pods.length === pods, { seconds: Math.round(web.ms / 100) / 10 });
  checks.check("every worker got pods", spread.summary.min > 0, spread.summary);
  console.error(`per-node pods: ${JSON.stringify(spread.summary)}; histogram ${JSON.stringify(spread.histogram)}`);
  let webEndpoints = await endpointCount(region.cluster, "web");
  for (let i = 0; i < 60 && webEndpoints.endpoints < pods; i++) {
    await Bun.sleep(1_000);
    webEndpoints = await endpointCount(region.cluster, "web");
  }
  checks.check("the web Service's EndpointSlices list every pod", webEndpoints.endpoints === pods, webEndpoints);

  // The data path: a Service whose pods run on the real devices, reached through the ingress.
  const apiPods = devices * apiPerDevice;
  const api = await deployDataPath(region.cluster, apiPods);
  const [ingress] = region.ingress as [(typeof region.ingress)[number]];
  for (let i = 0; i < 120; i++) {
    if (((await (await fetch(`${ingress.url}/__poc/endpoints`)).json()) as unknown[]).length === apiPods) break;
    await Bun.sleep(500);
  }
  const waits = await Promise.all(region.devices.map((d) => ingress.prober.wait(api.pods.find((p) => p.spec?.nodeName === d.name)?.status?.podIP ?? "", POD_PORT, 60_000)));
  checks.check("ingress → a pod on every real device, over the tailnet", waits.every((w) => w.ok), waits.map((w) => Math.round(w.ms)));
  const load = await sendRequests({ ingressUrls: [ingress.url], requests, concurrency: 8 });
  checks.check(`${requests} requests through the ingress all answered`, load.ok === requests && load.failed === 0, { ok: load.ok, failed: load.failed, failures: load.failures });
  checks.check("every answer came from the pod IP the ingress picked", load.mismatches === 0, { mismatches: load.mismatches });
  checks.check(`every real device answered (${devices})`, Object.keys(load.perDevice).length === devices, load.perDevice);
  checks.check(`all ${apiPods} api pods answered`, Object.keys(load.perPodIp).length === apiPods, { answered: Object.keys(load.perPodIp).length });
  const paths = await pathCounts(ingress.daemon, region.devices.map((d) => d.tailnetIp));
  console.error(`ingress → devices: ${JSON.stringify(paths)}`);

  return {
    workers,
    realDevices: devices,
    kwokWorkers: kwokNodes.length,
    nodeCapacity: WORKER_CAPACITY,
    deviceJoinMs: region.devices.map((d) => d.joinMs),
    web: { pods, runningSeconds: Math.round(web.ms / 100) / 10, perNode: spread.perNode, summary: spread.summary, histogram: spread.histogram, endpoints: webEndpoints },
    api: { pods: apiPods, runningSeconds: Math.round(api.ms / 100) / 10 },
    ingressToDevicePaths: paths,
    load,
  };
});
