// POC scenario 1 — one remote worker: a real tailscaled device behind the NAT is the region's only worker;
// a Deployment of 110 pods (the kubelet's default max-pods) runs on it, a Service exposes them, and requests
// to the ingress's public address reach every one of the 110 pods over the tailnet.
//   bun bench/poc/one-worker.ts [--pods 110] [--requests 1100]
import { numberArg } from "./cli-args.ts";
import { sendRequests } from "./load.ts";
import { KUBELET_PORT, POD_PORT, WORKER_CAPACITY } from "./region.ts";
import { runScenario } from "./scenario.ts";
import { pathTo } from "./tailnet-path.ts";
import { createDeployment, createService, endpointCount, waitRunning } from "./workloads.ts";

const pods = numberArg("pods", 110, 1);
const requests = numberArg("requests", pods * 10, 1);

await runScenario("one-worker", { devices: 1, ingress: 1, control: true, ingressService: "default/api" }, async (region, checks) => {
  const [device] = region.devices as [(typeof region.devices)[number]];
  const [ingress] = region.ingress as [(typeof region.ingress)[number]];
  const nodes = (await region.core().listNode()).items;
  checks.check("the only worker is the real device, Ready, with its tailnet IP as InternalIP", nodes.length === 1 && nodes[0]!.status?.addresses?.some((a) => a.type === "InternalIP" && a.address === device.tailnetIp) === true, {
    nodes: nodes.map((n) => n.metadata?.name),
    tailnetIp: device.tailnetIp,
  });

  await createDeployment(region.cluster, { name: "api", replicas: pods });
  await createService(region.cluster, "api");
  const { pods: running, ms: runningMs } = await waitRunning(region.cluster, "api", pods, 180_000);
  const onDevice = running.filter((p) => p.spec?.nodeName === device.name);
  const podIps = new Set(running.map((p) => p.status!.podIP!));
  checks.check(`${pods} pods Running and Ready on the one remote worker`, onDevice.length === pods, { running: running.length, onDevice: onDevice.length, seconds: Math.round(runningMs / 100) / 10 });
  checks.check("every pod has its own IP from the device's pod CIDR", podIps.size === pods && [...podIps].every((ip) => ip.startsWith(device.podCidr.replace(/0\/24$/, ""))), { distinct: podIps.size, podCidr: device.podCidr });

  const t = performance.now();
  let endpoints = await endpointCount(region.cluster, "api");
  for (let i = 0; i < 120 && endpoints.endpoints < pods; i++) {
    await Bun.sleep(500);
    endpoints = await endpointCount(region.cluster, "api");
  }
  checks.check("the Service's EndpointSlices list every pod", endpoints.endpoints === pods, endpoints);
  // The ingress proxy follows the slices by watch; wait until it has them all.
  let seen = 0;
  for (let i = 0; i < 120; i++) {
    seen = ((await (await fetch(`${ingress.url}/__poc/endpoints`)).json()) as unknown[]).length;
    if (seen === pods) break;
    await Bun.sleep(500);
  }
  checks.check("the ingress proxy knows every endpoint", seen === pods, { seen, seconds: Math.round((performance.now() - t) / 100) / 10 });

  // The path the ingress uses is the pod route over the tailnet: wait until it carries, then load it.
  const first = await ingress.prober.wait([...podIps][0]!, POD_PORT, 60_000);
  checks.check("ingress → a pod IP on the device, over the tailnet", first.ok, { ms: Math.round(first.ms) });
  const load = await sendRequests({ ingressUrls: [ingress.url], requests, concurrency: 8 });
  const answered = new Set(Object.keys(load.perPodIp));
  checks.check(`${requests} requests through the ingress all answered`, load.ok === requests && load.failed === 0, { ok: load.ok, failed: load.failed, failures: load.failures });
  checks.check("every answer came from the pod IP the ingress picked", load.mismatches === 0, { mismatches: load.mismatches });
  checks.check(`all ${pods} pods answered through the ingress`, [...podIps].every((ip) => answered.has(ip)), { answered: answered.size });

  // The other tailnet paths the region's policy decides.
  const kubelet = await region.control!.prober.wait(device.tailnetIp, KUBELET_PORT, 20_000);
  checks.check("control plane → the device's kubelet port over the tailnet (the logs/exec path)", kubelet.ok, { ms: Math.round(kubelet.ms) });
  const hostFromIngress = await ingress.prober.wait(device.tailnetIp, POD_PORT, 3_000);
  checks.check("ingress → the device's own address is refused by the ACL (only its pods are reachable)", !hostFromIngress.ok, hostFromIngress);
  const lanFromIngress = await ingress.prober.wait(device.ns.address, POD_PORT, 3_000);
  checks.check("nobody reaches the device over the underlay (the NAT drops it)", !lanFromIngress.ok, lanFromIngress);

  const tailnetPath = await pathTo(ingress.daemon, device.tailnetIp);
  console.error(`ingress → device: ${tailnetPath}`);
  return {
    pods,
    tailnetPath,
    nodeCapacity: WORKER_CAPACITY,
    device: { name: device.name, tailnetIp: device.tailnetIp, podCidr: device.podCidr, joinMs: device.joinMs },
    podsRunningSeconds: Math.round(runningMs / 100) / 10,
    endpoints,
    load,
  };
});
