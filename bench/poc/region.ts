// bench/poc: the proof-of-concept scenarios of AEP-60, run on one Linux machine with real components:
// a region's control plane (etcd, kube-apiserver, scheduler, controller-manager) and Headscale in the
// region namespace, ingress namespaces on the "internet", and home devices behind a NAT running real
// tailscaled. Workers beyond the real devices are KWOK nodes. Imports the test harness (tests/infra) and
// the region's ACL policy (registry/vpn); nothing imports this folder.
//
// region: the shared setup. startRegion builds one region the way the product shapes it:
//   - Headscale runs the policy the registry generates (regionAclPolicy): devices reach the control plane,
//     ingress reaches the pod network, a device never reaches another device's own address;
//   - each real device joins with its own single-use key tagged tag:akash-home, advertises its pod CIDR
//     (what k3s's flannel tailscale backend does) and the route is approved for that device alone (what the
//     registry does once the Node has its podCIDR); its Node is registered with the tailnet IP as InternalIP
//     and that podCIDR, and KWOK keeps it Ready and runs its pods; pod-server.ts answers for those pods;
//   - each ingress joins tagged tag:akash-ingress with --accept-routes, runs ingress-proxy.ts for one
//     Service and a prober for the scenario's own measurements.
// stop() undoes everything, and the harness's exit handler and watchdog do it if this process dies.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CoreV1Api, type V1Node } from "@kubernetes/client-node";
import { startHeadscale, type Headscale } from "../../tests/infra/headscale.ts";
import { startKubeCluster, type KubeCluster } from "../../tests/infra/kube-cluster.ts";
import { FAKE_NODE_ANNOTATION } from "../../tests/infra/kwok.ts";
import { startNetworkLab, type LabNamespace, type NetworkLab } from "../../tests/infra/netns.ts";
import { runCommand, waitUntil, type ManagedProcess } from "../../tests/infra/process.ts";
import { startTailscaled, type TailscaleUpOptions, type Tailscaled } from "../../tests/infra/tailscaled.ts";
import { makeWorkDir, removeWorkDir } from "../../tests/infra/work-dir.ts";
import { EDGE_LABEL } from "../../registry/clusters/node-labels.ts";
import { INGRESS_TAG, CONTROL_TAG, regionAclPolicy, renderAclPolicy } from "../../registry/vpn/acl-policy.ts";
import { HeadscaleTailnet } from "../../registry/vpn/headscale-tailnet.ts";
import { findPid } from "./cluster-metrics.ts";
import { mapLimit } from "./map-limit.ts";

const HERE = import.meta.dir;
const BUN = resolve(HERE, "../../node_modules/.bin/bun");

/** Which worker Nodes have a real data path (a tailscaled device) and which are KWOK-only. */
export const DATA_PATH_LABEL = "poc.home.akash.network/data-path";
/** The port every POC pod serves on (answered by pod-server.ts on its device). */
export const POD_PORT = 8080;
/** The kubelet's port: the control plane reaches devices there over the tailnet. */
export const KUBELET_PORT = 10250;
export const INGRESS_PORT = 80;
const PROBER_PORT = 9100;
/** A worker's capacity: what a modest home machine offers; pods 110 is the kubelet's default max-pods. */
export const WORKER_CAPACITY = { cpu: "8", memory: "32Gi", pods: "110" } as const;

/** podCidrOf is device i's pod CIDR: k3s's default cluster CIDR cut into /24s, one per node. */
export const podCidrOf = (i: number) => `10.42.${i + 1}.0/24`;

export type RegionPolicy = "region" | "open" | "no-pod-mesh";

/** policyFor renders the Headscale policy of a variant (see RegionOptions.policy). */
export function policyFor(variant: RegionPolicy): string {
  const policy = regionAclPolicy();
  if (variant === "open") policy.acls = [{ action: "accept", src: ["*"], dst: ["*:*"] }];
  if (variant === "no-pod-mesh") {
    const pods = Object.keys(policy.hosts);
    policy.acls = policy.acls.map((rule) => (rule.dst.every((d) => pods.some((p) => d.startsWith(`${p}:`))) ? { ...rule, src: rule.src.filter((s) => !pods.includes(s)) } : rule));
  }
  return renderAclPolicy(policy, `Akash at Home region tailnet policy (${variant})`);
}

export interface RegionOptions {
  /** devices is how many real tailscaled devices join now (more can join later with addDevice). */
  devices: number;
  /** deviceCapacity is how many device namespaces the lab has room for (default: devices). */
  deviceCapacity?: number;
  ingress: number;
  /** ingressService is the Service (namespace/name) each ingress proxy serves. */
  ingressService?: string;
  /** control also joins a control-plane node (tag:akash-control) to the tailnet, with a prober. */
  control?: boolean;
  /**
   * policy: "region" (default) is the policy the registry generates. For comparison: "open" keeps its tags
   * but lets every node reach every other; "no-pod-mesh" is the region's policy without pod-to-pod traffic
   * between devices, so a device's netmap holds only the control and ingress nodes.
   */
  policy?: RegionPolicy;
  /** concurrency of device joins (default 4: the machine has few cores). */
  joinConcurrency?: number;
  log?: (line: string) => void;
}

export interface Device {
  readonly index: number;
  readonly name: string;
  readonly ns: LabNamespace;
  readonly daemon: Tailscaled;
  readonly tailnetIp: string;
  readonly podCidr: string;
  readonly server: ManagedProcess;
  /** timings of its join, in ms: up (tailscale up), approve (route approval). */
  readonly joinMs: { up: number; approve: number };
  /** stuckInStarting: tailscaled sat in "Starting" after its netmap and DERP came (see joinTailnet). */
  readonly stuckInStarting: boolean;
}

export interface DeviceHooks {
  /** onUp runs as soon as `tailscale up` returned (before the route is approved); upStarted is performance.now() at up. */
  onUp?: (joined: { name: string; tailnetIp: string; podCidr: string; upStarted: number }) => void;
}

export interface Ingress {
  readonly index: number;
  readonly ns: LabNamespace;
  readonly daemon: Tailscaled;
  readonly tailnetIp: string;
  /** url is the ingress's public address: http://<ingress address>:80. */
  readonly url: string;
  readonly proxy: ManagedProcess | undefined;
  readonly prober: Prober;
}

export interface Prober {
  /** wait polls a TCP connect from the prober's namespace until it succeeds; ms is how long it took. */
  wait(host: string, port: number, timeoutMs?: number): Promise<{ ok: boolean; ms: number }>;
  get(url: string): Promise<{ ok: boolean; status: number; ms: number; body: string }>;
}

export interface Region {
  readonly lab: NetworkLab;
  readonly headscale: Headscale;
  readonly cluster: KubeCluster;
  readonly devices: Device[];
  readonly ingress: Ingress[];
  readonly control: { daemon: Tailscaled; tailnetIp: string; prober: Prober } | undefined;
  readonly dir: string;
  core(): CoreV1Api;
  /** addDevice joins the next device namespace to the tailnet, has its pod route approved and registers its Node. */
  addDevice(hooks?: DeviceHooks): Promise<Device>;
  /** headscalePid is Headscale's process id (for its CPU time). */
  headscalePid(): number;
  /** etcdClientUrl is etcd's client URL (its /metrics too), reachable only from inside the region namespace. */
  readonly etcdClientUrl: string;
  stop(): Promise<void>;
}

function proberAt(base: string): Prober {
  const call = async <T>(path: string, timeoutMs: number): Promise<T> => {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return (await res.json()) as T;
  };
  return {
    wait: (host, port, timeoutMs = 60_000) =>
      call(`/wait?host=${host}&port=${port}&timeoutMs=${timeoutMs}`, timeoutMs + 10_000),
    get: (url) => call(`/get?url=${encodeURIComponent(url)}`, 20_000),
  };
}

async function startProber(lab: NetworkLab, ns: LabNamespace, dir: string, processes: ManagedProcess[]): Promise<Prober> {
  const proc = lab.spawn(ns.netns, { name: `prober-${ns.netns}`, dir, argv: [BUN, join(HERE, "prober.ts"), `${ns.address}:${PROBER_PORT}`] });
  processes.push(proc);
  await waitUntil(`prober in ${ns.netns}`, () => proc.log().includes("listening"), { timeoutMs: 20_000, processes: [proc] });
  return proberAt(`http://${ns.address}:${PROBER_PORT}`);
}

/** startRegion builds the region described at the top of this file. On failure it stops what it started. */
export async function startRegion(options: RegionOptions): Promise<Region> {
  const log = options.log ?? ((line: string) => console.error(line));
  const deviceCapacity = Math.max(options.deviceCapacity ?? options.devices, options.devices);
  const processes: ManagedProcess[] = [];
  const daemons: Tailscaled[] = [];
  const devices: Device[] = [];
  const ingress: Ingress[] = [];
  let lab: NetworkLab | undefined;
  let headscale: Headscale | undefined;
  let cluster: KubeCluster | undefined;
  const dir = makeWorkDir("poc");
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of [...processes].reverse()) await p.stop(2_000).catch(() => {});
    await mapLimit([...daemons].reverse(), 8, (d) => d.stop().catch(() => {}));
    await cluster?.stop().catch(() => {});
    await headscale?.stop().catch(() => {});
    await lab?.stop().catch(() => {});
    removeWorkDir(dir);
  };

  try {
    const t0 = performance.now();
    lab = await startNetworkLab({ devices: deviceCapacity, ingress: options.ingress });
    log(`lab ${lab.runId}: ${options.ingress} ingress and ${deviceCapacity} device namespaces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const theLab = lab;
    const policy = policyFor(options.policy ?? "region");
    [headscale, cluster] = await Promise.all([
      startHeadscale({ netns: lab.region.netns, listenHost: lab.region.address, policyJson: policy }),
      startKubeCluster({ netns: lab.region.netns, bindAddress: lab.region.address, kwok: true }),
    ]);
    const hs = headscale;
    const kube = cluster;
    log(`control plane and Headscale up after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const core = kube.api(CoreV1Api);
    const key = async (tag: string) =>
      JSON.parse(await hs.cli(["preauthkeys", "create", "--expiration", "15m", "--tags", tag, "-o", "json"])) as { key: string };

    let control: Region["control"];
    if (options.control) {
      const daemon = await startTailscaled({ name: "control-0", netns: lab.region.netns });
      daemons.push(daemon);
      await daemon.up({ loginServer: hs.url, authKey: (await key(CONTROL_TAG)).key, hostname: "control-0" });
      control = { daemon, tailnetIp: await daemon.ipv4(), prober: await startProber(lab, { netns: lab.region.netns, address: lab.region.address }, dir, processes) };
    }

    const ingressService = options.ingressService ?? "default/api";
    for (let i = 0; i < options.ingress; i++) {
      const ns = lab.ingress[i]!;
      const daemon = await startTailscaled({ name: `ingress-${i}`, netns: ns.netns });
      daemons.push(daemon);
      await daemon.up({ loginServer: hs.url, authKey: (await key(INGRESS_TAG)).key, hostname: `ingress-${i}`, extraArgs: ["--accept-routes"] });
      const proxy = theLab.spawn(ns.netns, {
        name: `ingress-proxy-${i}`,
        dir,
        argv: [BUN, join(HERE, "ingress-proxy.ts"), "--name", `ingress-${i}`, "--kubeconfig", kube.adminKubeconfigPath, "--service", ingressService, "--listen", `${ns.address}:${INGRESS_PORT}`],
      });
      processes.push(proxy);
      await waitUntil(`ingress proxy ${i}`, () => proxy.log().includes("proxying"), { timeoutMs: 20_000, processes: [proxy] });
      ingress.push({ index: i, ns, daemon, tailnetIp: await daemon.ipv4(), url: `http://${ns.address}:${INGRESS_PORT}`, proxy, prober: await startProber(theLab, ns, dir, processes) });
    }

    // Devices' keys and routes go through the registry's own Headscale adapter (its REST API), as in production.
    const tailnet = new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile });

    let nextIndex = 0;
    const addDevice = async (hooks: DeviceHooks = {}): Promise<Device> => {
      const index = nextIndex++;
      const ns = theLab.devices[index];
      if (!ns) throw new Error(`the lab has room for ${deviceCapacity} devices`);
      const name = `home-${index}`;
      const podCidr = podCidrOf(index);
      // The device answers for every address of its pod CIDR (see pod-server.ts), from before it joins.
      await runCommand(["ip", "route", "add", "local", podCidr, "dev", "lo"], { netns: ns.netns });
      const server = theLab.spawn(ns.netns, { name: `pod-server-${name}`, dir, argv: [BUN, join(HERE, "pod-server.ts"), name, String(POD_PORT), String(KUBELET_PORT)] });
      processes.push(server);
      await waitUntil(`pod server on ${name}`, () => server.log().includes("listening"), { timeoutMs: 20_000, processes: [server] });
      const daemon = await startTailscaled({ name, netns: ns.netns });
      daemons.push(daemon);
      const { key: authKey } = await tailnet.mintAuthKey({ deviceId: name, ttlMs: 10 * 60_000 });
      const upStarted = performance.now();
      const { stuckInStarting } = await joinTailnet(daemon, { loginServer: hs.url, authKey, hostname: name, extraArgs: [`--advertise-routes=${podCidr}`] }, ingress[0]?.tailnetIp ?? control?.tailnetIp);
      const up = performance.now() - upStarted;
      const tailnetIp = await daemon.ipv4();
      hooks.onUp?.({ name, tailnetIp, podCidr, upStarted });
      const approveStarted = performance.now();
      await tailnet.approveRoutes(name, [podCidr]);
      const approve = performance.now() - approveStarted;
      await core.createNode({ body: deviceNode(name, tailnetIp, podCidr) });
      const device: Device = { index, name, ns, daemon, tailnetIp, podCidr, server, joinMs: { up, approve }, stuckInStarting };
      devices.push(device);
      return device;
    };

    const t1 = performance.now();
    await mapLimit(
      Array.from({ length: options.devices }, (_, i) => i),
      options.joinConcurrency ?? 4,
      () => addDevice(),
    );
    devices.sort((a, b) => a.index - b.index);
    if (options.devices > 0) log(`${options.devices} devices joined the tailnet and registered their Nodes in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

    return {
      lab,
      headscale: hs,
      cluster: kube,
      devices,
      ingress,
      control,
      dir,
      core: () => core,
      addDevice,
      headscalePid: () => headscalePidOf(hs),
      etcdClientUrl: etcdClientUrlOf(kube),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * joinTailnet runs `tailscale up`. Now and then (seen about once in tens of joins on this machine) a
 * tailscaled gets its netmap and connects to DERP but stays in "Starting": it moves to "Running" only on its
 * next engine status update, which nothing triggers on a quiet device, so `up` times out. A device's agent
 * would run `up` again; here one TSMP ping to a peer (a WireGuard handshake: the update it waits for) nudges
 * it, and the join is recorded as stuck.
 */
async function joinTailnet(daemon: Tailscaled, up: TailscaleUpOptions, nudgePeer: string | undefined): Promise<{ stuckInStarting: boolean }> {
  try {
    await daemon.up({ ...up, timeoutSeconds: 20 });
    return { stuckInStarting: false };
  } catch (err) {
    if ((await daemon.status()).BackendState !== "Starting" || !nudgePeer) throw err;
    console.error(`${up.hostname}: tailscaled stuck in Starting after its netmap came; nudging it with a ping to ${nudgePeer}`);
    await daemon.tailscale(["ping", "--tsmp", "-c", "1", "--timeout", "5s", nudgePeer], { allowFailure: true });
    await waitUntil(`${up.hostname} Running`, async () => (await daemon.status()).BackendState === "Running", { timeoutMs: 20_000, intervalMs: 200 });
    return { stuckInStarting: true };
  }
}

/** deviceNode is a real device's Node: KWOK-managed (so it turns Ready and runs pods), tailnet IP, pod CIDR. */
function deviceNode(name: string, tailnetIp: string, podCidr: string): V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", [EDGE_LABEL]: "true", [DATA_PATH_LABEL]: "tailnet" },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr] },
    status: {
      addresses: [
        { type: "InternalIP", address: tailnetIp },
        { type: "Hostname", address: name },
      ],
      capacity: { ...WORKER_CAPACITY },
      allocatable: { ...WORKER_CAPACITY },
    },
  };
}

/** kwokWorkerLabels are the labels of KWOK-only workers (no data path). */
export const kwokWorkerLabels = { [EDGE_LABEL]: "true", [DATA_PATH_LABEL]: "kwok" };

function headscalePidOf(hs: Headscale): number {
  // The harness starts it as `headscale -c <dir>/config.yaml serve`.
  const pid = findPid((argv) => argv.includes(hs.configPath) && argv.includes("serve"));
  if (pid === undefined) throw new Error("Headscale's process is gone");
  return pid;
}

function etcdClientUrlOf(cluster: KubeCluster): string {
  const etcd = cluster.processes.find((p) => p.name === "etcd");
  const cmdline = readFileSync(`/proc/${etcd?.pid}/cmdline`, "utf8").split("\0");
  const flag = cmdline.find((a) => a.startsWith("--listen-client-urls="));
  if (!flag) throw new Error("cannot find etcd's client URL");
  return flag.slice("--listen-client-urls=".length);
}
