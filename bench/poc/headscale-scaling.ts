// POC: Headscale as a region grows. Real tailscaled devices join one at a time (each with its own
// single-use tagged key, its pod route approved as the registry does), and for every join this measures:
//   - the time from `tailscale up` until the ingress reaches one of the device's pod IPs over the tailnet
//     (netmap pushed to the ingress, route approved, WireGuard through the NAT) and until the control plane
//     reaches its kubelet port;
//   - Headscale's CPU time spent on that join (key, registration, route approval, map updates to peers).
// At each step (10, 25, 50, 100 devices by default) it also measures Headscale's idle CPU and memory and
// checks that every device is still reachable. The number of devices is capped by the memory this machine
// has free. --policy compares the region's ACL with variants (region.ts policyFor).
//   bun bench/poc/headscale-scaling.ts [--steps 10,25,50,100] [--idle-seconds 30] [--policy region|no-pod-mesh|open]
import { listArg, numberArg } from "./cli-args.ts";
import { findPid, sampleProcess } from "./cluster-metrics.ts";
import { bestCostModel, capacityWithin, reconnectSeconds } from "./cost-fit.ts";
import { mapLimit } from "./map-limit.ts";
import { probeTcp } from "../../tests/infra/tcp-echo.ts";
import { KUBELET_PORT, POD_PORT, type Device, type Region, type RegionPolicy } from "./region.ts";
import { memAvailableBytes } from "./report.ts";
import { runScenario } from "./scenario.ts";
import { summarize } from "./summary.ts";
import { pathCounts } from "./tailnet-path.ts";

const requestedSteps = listArg("steps", [10, 25, 50, 100]);
const idleSeconds = numberArg("idle-seconds", 30, 1);
const policyArg = process.argv.includes("--policy") ? process.argv[process.argv.indexOf("--policy") + 1] : "region";
if (!["region", "open", "no-pod-mesh"].includes(policyArg ?? "")) {
  console.error("--policy must be region, open or no-pod-mesh");
  process.exit(2);
}
const policy = policyArg as RegionPolicy;
/** Memory left to everything else on the machine while the devices run. */
const RESERVE_BYTES = 4 * 2 ** 30;
/** What one device (tailscaled + its pod server) was measured to take, before measuring it here. */
const ASSUMED_DEVICE_BYTES = 120 * 2 ** 20;

const maxWanted = Math.max(...requestedSteps);
const affordable = Math.floor((memAvailableBytes() - RESERVE_BYTES) / ASSUMED_DEVICE_BYTES);
const steps = requestedSteps.filter((s) => s <= affordable).sort((a, b) => a - b);
if (steps.length < requestedSteps.length) console.error(`memory allows about ${affordable} devices; steps ${requestedSteps.filter((s) => s > affordable).join(", ")} skipped`);
const maxDevices = Math.max(0, ...steps);

interface Join {
  devices: number;
  upMs: number;
  approveMs: number;
  /** from `tailscale up` until the ingress's netmap has the device with its pod route (Headscale's part) */
  ingressNetmapMs: number;
  /** from `tailscale up` until the ingress connects to a pod IP of the device */
  ingressReachMs: number;
  /** from `tailscale up` until the control node connects to the device's kubelet port */
  controlReachMs: number;
  headscaleCpuMs: number;
  /** the join hit tailscaled's stuck-in-Starting quirk (region.ts joinTailnet); its times are left out of the figures */
  stuckInStarting: boolean;
}

interface Step {
  devices: number;
  joinsInStep: number;
  ingressNetmapMs: ReturnType<typeof summarize>;
  ingressReachMs: ReturnType<typeof summarize>;
  controlReachMs: ReturnType<typeof summarize>;
  headscaleCpuMsPerJoin: ReturnType<typeof summarize>;
  idleCpuPctOfCore: number;
  headscaleRssMiB: number;
  /** peers in a device's netmap (the ACL limits it to the control and ingress nodes) */
  devicePeers: number;
  ingressPeers: number;
  allReachable: boolean;
  ingressPaths: Record<string, number>;
  deviceRssMiB: { tailscaled: number; podServer: number };
}

await runScenario(`headscale-scaling${policy === "region" ? "" : `-${policy}`}`, { devices: 0, deviceCapacity: maxDevices, ingress: 1, control: true, policy }, async (region, checks) => {
  const hsPid = region.headscalePid();
  const [ingress] = region.ingress as [Region["ingress"][number]];
  const control = region.control!;
  const cpu = () => sampleProcess(hsPid).cpuSeconds;
  const joins: Join[] = [];
  const results: Step[] = [];
  const baseline = await idle(hsPid);
  console.error(`Headscale with 2 infra nodes: ${baseline.pct} % of a core idle, ${sampleProcess(hsPid).rssMiB} MiB`);

  for (let k = 1; k <= maxDevices; k++) {
    const cpu0 = cpu();
    let reach: Promise<[number, number, number]> | undefined;
    const device = await region.addDevice({
      onUp: ({ tailnetIp, podCidr, upStarted }) => {
        const podIp = podCidr.replace(/0\/24$/, "10");
        const since = () => performance.now() - upStarted;
        reach = Promise.all([
          netmapHas(ingress.daemon, tailnetIp, podCidr).then((ok) => (ok ? since() : NaN)),
          ingress.prober.wait(podIp, POD_PORT, 60_000).then((r) => (r.ok ? since() : NaN)),
          control.prober.wait(tailnetIp, KUBELET_PORT, 60_000).then((r) => (r.ok ? since() : NaN)),
        ]);
      },
    });
    const [ingressNetmapMs, ingressReachMs, controlReachMs] = await reach!;
    const join: Join = {
      devices: k,
      upMs: Math.round(device.joinMs.up),
      approveMs: Math.round(device.joinMs.approve),
      ingressNetmapMs: Math.round(ingressNetmapMs),
      ingressReachMs: Math.round(ingressReachMs),
      controlReachMs: Math.round(controlReachMs),
      headscaleCpuMs: Math.round((cpu() - cpu0) * 1000),
      stuckInStarting: device.stuckInStarting,
    };
    joins.push(join);
    console.error(`join ${k}: ${JSON.stringify(join)}`);
    if (steps.includes(k)) results.push(await measureStep(region, hsPid, joins, results.at(-1)?.devices ?? 0, device));
  }

  const last = results.at(-1);
  checks.check("every join became reachable from the ingress and the control plane", joins.every((j) => Number.isFinite(j.ingressReachMs) && Number.isFinite(j.controlReachMs)), {
    unreachable: joins.filter((j) => !Number.isFinite(j.ingressReachMs) || !Number.isFinite(j.controlReachMs)).map((j) => j.devices),
  });
  checks.check("at every step every device was still reachable from the ingress", results.every((r) => r.allReachable), results.map((r) => [r.devices, r.allReachable]));
  if (policy !== "open" && region.devices.length >= 2) {
    // The policy's promise: one home device never reaches another's own address (a kubelet port here).
    const [a, b] = [region.devices.at(-1)!, region.devices[0]!];
    const crossed = await probeTcp({ netns: a.ns.netns, host: b.tailnetIp, port: KUBELET_PORT, timeoutMs: 3_000 });
    checks.check("a device cannot reach another device's tailnet address (the ACL)", !crossed, { from: a.name, to: b.name });
  }

  const clean = joins.filter((j) => !j.stuckInStarting);
  const cost = bestCostModel(clean.map((j) => [j.devices, j.headscaleCpuMs]));
  const reachFit = linearFit(clean.map((j) => [j.devices, j.ingressReachMs]));
  const netmapFit = linearFit(clean.map((j) => [j.devices, j.ingressNetmapMs]));
  const sizing = {
    costModel: cost,
    reconnectSecondsOfOneCore: Object.fromEntries([50, 100, 150, 250, 500].map((n) => [n, Math.round(reconnectSeconds(cost, n))])),
    /** the largest region whose full reconnect costs at most 5 minutes of one Headscale core */
    devicesWithin300CoreSeconds: capacityWithin(cost, 300),
  };
  console.error(`Headscale CPU per join ≈ ${cost.a.toFixed(1)} + ${cost.k.toFixed(3)} × N${cost.kind === "square" ? "²" : ""} ms; full reconnect ${JSON.stringify(sizing.reconnectSecondsOfOneCore)} s; 5 core-minutes fit ${sizing.devicesWithin300CoreSeconds} devices`);
  return {
    policy,
    requestedSteps,
    steps,
    memoryCapDevices: affordable,
    baselineIdleCpuPct: baseline.pct,
    stuckJoins: joins.filter((j) => j.stuckInStarting).map((j) => j.devices),
    stepsMeasured: results,
    sizing,
    netmapFitMs: netmapFit,
    reachFitMs: reachFit,
    joins,
  };
});

/** netmapHas waits until the daemon lists the peer with its primary route (the route approved and pushed). */
async function netmapHas(daemon: Region["ingress"][number]["daemon"], peerIp: string, route: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const peers = Object.values((await daemon.status()).Peer ?? {}) as { TailscaleIPs?: string[] | null; PrimaryRoutes?: string[] | null }[];
    if (peers.some((p) => p.TailscaleIPs?.includes(peerIp) && p.PrimaryRoutes?.includes(route))) return true;
    await Bun.sleep(100);
  }
  return false;
}

/** idle measures Headscale's CPU use over idleSeconds with nothing joining: % of one core. */
async function idle(pid: number): Promise<{ pct: number }> {
  await Bun.sleep(3_000); // let the last join's map updates settle
  const c0 = sampleProcess(pid).cpuSeconds;
  const t0 = performance.now();
  await Bun.sleep(idleSeconds * 1000);
  return { pct: Math.round(((sampleProcess(pid).cpuSeconds - c0) / ((performance.now() - t0) / 1000)) * 1000) / 10 };
}

async function measureStep(region: Region, hsPid: number, joins: Join[], previous: number, lastDevice: Device): Promise<Step> {
  const [ingress] = region.ingress as [Region["ingress"][number]];
  const n = region.devices.length;
  const inStep = joins.filter((j) => j.devices > previous && !j.stuckInStarting);
  const { pct } = await idle(hsPid);
  // Every device still answers on a pod IP through the ingress (a few at a time: this machine is small).
  const reachable = await mapLimit(region.devices, 8, (d) => ingress.prober.wait(d.podCidr.replace(/0\/24$/, "10"), POD_PORT, 10_000));
  const deviceStatus = await lastDevice.daemon.status();
  const ingressStatus = await ingress.daemon.status();
  const tsPid = findPid((argv) => argv.some((a) => a === `--socket=${lastDevice.daemon.socketPath}`));
  const step: Step = {
    devices: n,
    joinsInStep: inStep.length,
    ingressNetmapMs: summarize(inStep.map((j) => j.ingressNetmapMs)),
    ingressReachMs: summarize(inStep.map((j) => j.ingressReachMs)),
    controlReachMs: summarize(inStep.map((j) => j.controlReachMs)),
    headscaleCpuMsPerJoin: summarize(inStep.map((j) => j.headscaleCpuMs)),
    idleCpuPctOfCore: pct,
    headscaleRssMiB: sampleProcess(hsPid).rssMiB,
    devicePeers: Object.keys(deviceStatus.Peer ?? {}).length,
    ingressPeers: Object.keys(ingressStatus.Peer ?? {}).length,
    allReachable: reachable.every((r) => r.ok),
    ingressPaths: await pathCounts(ingress.daemon, region.devices.map((d) => d.tailnetIp)),
    deviceRssMiB: { tailscaled: tsPid ? sampleProcess(tsPid).rssMiB : NaN, podServer: sampleProcess(lastDevice.server.pid).rssMiB },
  };
  console.error(`step ${n}: ${JSON.stringify(step)}`);
  return step;
}

/** linearFit is the least-squares line y = a + b·x. */
function linearFit(points: [number, number][]): { a: number; b: number } {
  const pts = points.filter(([, y]) => Number.isFinite(y));
  const n = pts.length;
  if (n < 2) return { a: pts[0]?.[1] ?? 0, b: 0 };
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const b = sxx === 0 ? 0 : pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
  return { a: Math.round((my - b * mx) * 100) / 100, b: Math.round(b * 1000) / 1000 };
}
