// netns: a network lab of Linux network namespaces shaped like the product's world, so real tailscaled and
// Headscale talk over real links without touching any network but their own. Only 198.18.0.0/15 (the
// benchmarking range) is used, and each lab takes its own /24s, so labs of concurrent test runs don't meet:
//
//   host (root ns) 198.18.K.254 ─┐
//   region         198.18.K.1   ─┤ "wan": a bridge in its own namespace
//   nat (WAN side) 198.18.K.2   ─┤
//   ingress-N      198.18.K.(10+N) ┘
//   nat (LAN side) 198.19.K.1 ── bridge ── device-N 198.19.K.(10+N), default route via the nat
//
// The nat namespace masquerades the LAN onto the WAN and drops new connections from the WAN into the LAN, like
// a home router: devices dial out, nobody dials in. The host routes the lab's LAN to the nat, so a stray
// connection from the host to a device address ends at that router, never on the machine's real network.
// Namespace names start with a run id (ah<4 hex>-); a lab's marker file under /run/akash-home-lab holds its
// owner's pid, so a later run removes only labs whose owner is gone.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { registerCleanup, shellQuote } from "./cleanup.ts";
import { runCommand, startProcess, type ManagedProcess, type RunOptions, type RunResult, type StartProcessOptions } from "./process.ts";

const MARKER_DIR = "/run/akash-home-lab";
const NETNS_DIR = "/run/netns";
/** Only namespaces with this shape are ever deleted by the harness. */
const OWN_NAME = /^(ah[0-9a-f]{4})-[a-z0-9-]+$/;
const MAX_LABS = 128; // K in 0..127 keeps every LAN below 198.19.128.0, where the Service and pod ranges live

export interface NetworkLabOptions {
  /** devices is how many home-device namespaces sit behind the NAT (at most 240). */
  devices: number;
  /** ingress is how many ingress namespaces sit on the WAN (at most 200). */
  ingress: number;
}

export interface LabNamespace {
  /** netns is the namespace name, for ip netns exec and every start function's netns option. */
  readonly netns: string;
  /** address is its address on the lab network. */
  readonly address: string;
}

export interface NetworkLab {
  /** runId prefixes every namespace name of this lab (ah<4 hex>). */
  readonly runId: string;
  /** wanCidr is the shared "internet" of this lab (198.18.K.0/24). */
  readonly wanCidr: string;
  /** lanCidr is the home network behind the NAT (198.19.K.0/24). */
  readonly lanCidr: string;
  /** host is this machine's (the root namespace's) address on the WAN, where e.g. a registry on the host listens. */
  readonly host: { readonly address: string; readonly interface: string };
  readonly region: LabNamespace;
  readonly nat: { readonly netns: string; readonly wanAddress: string; readonly lanAddress: string };
  readonly ingress: readonly LabNamespace[];
  readonly devices: readonly LabNamespace[];
  /** namespaces lists every namespace of the lab. */
  namespaces(): string[];
  /** exec runs a short command inside a namespace. */
  exec(netns: string, argv: string[], options?: Omit<RunOptions, "netns">): Promise<RunResult>;
  /** spawn starts a long-running process inside a namespace (stop it yourself, or lab.stop() kills it). */
  spawn(netns: string, options: Omit<StartProcessOptions, "netns">): ManagedProcess;
  /** stop kills whatever still runs in the lab's namespaces and deletes them, links included. */
  stop(): Promise<void>;
}

async function ip(args: string[]): Promise<void> {
  await runCommand(["ip", ...args], { timeoutMs: 15_000 });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** listOwnNamespaces lists the namespaces whose names the harness could have made. */
function listOwnNamespaces(): string[] {
  if (!existsSync(NETNS_DIR)) return [];
  return readdirSync(NETNS_DIR).filter((n) => OWN_NAME.test(n));
}

function readMarkers(): { k: number; pid: number; runId: string }[] {
  if (!existsSync(MARKER_DIR)) return [];
  const out: { k: number; pid: number; runId: string }[] = [];
  for (const f of readdirSync(MARKER_DIR)) {
    if (!/^\d+$/.test(f)) continue;
    try {
      const [pid, runId] = readFileSync(join(MARKER_DIR, f), "utf8").trim().split(" ");
      out.push({ k: Number(f), pid: Number(pid), runId: runId ?? "" });
    } catch {}
  }
  return out;
}

/** deleteNamespaceNow kills every process left in a namespace, then deletes it (its links go with it). */
async function deleteNamespaceNow(name: string): Promise<void> {
  const pids = await runCommand(["ip", "netns", "pids", name], { allowFailure: true });
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {}
  }
  await runCommand(["ip", "netns", "del", name], { allowFailure: true });
}

function deleteNamespaceLines(name: string): string[] {
  const q = shellQuote(name);
  return [`for p in $(ip netns pids ${q}); do kill -KILL "$p"; done`, `ip netns del ${q}`];
}

/**
 * cleanupStaleLabs removes what crashed earlier runs left: labs whose owner process is gone, and namespaces
 * of the harness's shape that no live lab claims.
 */
export async function cleanupStaleLabs(): Promise<void> {
  const live = new Set<string>();
  for (const m of readMarkers()) {
    if (processAlive(m.pid)) {
      live.add(m.runId);
    } else {
      rmSync(join(MARKER_DIR, String(m.k)), { force: true });
    }
  }
  for (const name of listOwnNamespaces()) {
    const runId = OWN_NAME.exec(name)?.[1] ?? "";
    if (!live.has(runId)) await deleteNamespaceNow(name);
  }
}

/** claimLab takes a free lab index K and a fresh run id, recorded in a marker file created exclusively. */
function claimLab(): { k: number; runId: string; marker: string } {
  mkdirSync(MARKER_DIR, { recursive: true, mode: 0o755 });
  const usedRunIds = new Set(listOwnNamespaces().map((n) => OWN_NAME.exec(n)?.[1]));
  for (const m of readMarkers()) usedRunIds.add(m.runId);
  let runId: string;
  do {
    runId = `ah${Buffer.from(crypto.getRandomValues(new Uint8Array(2))).toString("hex")}`;
  } while (usedRunIds.has(runId));
  for (let k = 0; k < MAX_LABS; k++) {
    const marker = join(MARKER_DIR, String(k));
    let fd: number;
    try {
      fd = openSync(marker, "wx", 0o644);
    } catch {
      continue; // a live lab has it (stale ones were removed by cleanupStaleLabs)
    }
    writeSync(fd, `${process.pid} ${runId}\n`);
    closeSync(fd);
    return { k, runId, marker };
  }
  throw new Error(`all ${MAX_LABS} network labs are in use; stop other test runs (markers in ${MARKER_DIR})`);
}

/** startNetworkLab builds the lab described at the top of this file. */
export async function startNetworkLab(options: NetworkLabOptions): Promise<NetworkLab> {
  if (!Number.isInteger(options.devices) || options.devices < 0 || options.devices > 240) throw new Error("devices must be 0..240");
  if (!Number.isInteger(options.ingress) || options.ingress < 0 || options.ingress > 200) throw new Error("ingress must be 0..200");
  await cleanupStaleLabs();
  const { k, runId, marker } = claimLab();
  const wanNet = `198.18.${k}`;
  const lanNet = `198.19.${k}`;
  const ns = (role: string) => `${runId}-${role}`;
  const wan = ns("wan");
  const region = { netns: ns("region"), address: `${wanNet}.1` };
  const nat = { netns: ns("nat"), wanAddress: `${wanNet}.2`, lanAddress: `${lanNet}.1` };
  const ingress = Array.from({ length: options.ingress }, (_, i) => ({ netns: ns(`ingress-${i}`), address: `${wanNet}.${10 + i}` }));
  const devices = Array.from({ length: options.devices }, (_, i) => ({ netns: ns(`device-${i}`), address: `${lanNet}.${10 + i}` }));
  const all = [wan, region.netns, nat.netns, ...ingress.map((n) => n.netns), ...devices.map((n) => n.netns)];
  const hostIf = `${runId}h`; // the only interface in the root namespace; ≤ 15 chars
  const host = { address: `${wanNet}.254`, interface: hostIf };

  const forget = registerCleanup([...all.flatMap(deleteNamespaceLines), `ip link del ${shellQuote(hostIf)}`, `rm -f ${shellQuote(marker)}`]);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const name of [...all].reverse()) await deleteNamespaceNow(name);
    await runCommand(["ip", "link", "del", hostIf], { allowFailure: true }); // gone with its peer already, normally
    rmSync(marker, { force: true });
    forget();
  };

  try {
    for (const name of all) {
      await ip(["netns", "add", name]);
      await ip(["-n", name, "link", "set", "lo", "up"]);
    }
    // The WAN switch.
    await ip(["-n", wan, "link", "add", "br0", "type", "bridge"]);
    await ip(["-n", wan, "link", "set", "br0", "up"]);
    const plugIntoWan = async (port: string) => {
      await ip(["-n", wan, "link", "set", port, "master", "br0"]);
      await ip(["-n", wan, "link", "set", port, "up"]);
    };
    // The host.
    await ip(["link", "add", hostIf, "type", "veth", "peer", "name", "host", "netns", wan]);
    await ip(["addr", "add", `${host.address}/24`, "dev", hostIf]);
    await ip(["link", "set", hostIf, "up"]);
    await plugIntoWan("host");
    // Region, the NAT's WAN side, ingress.
    const wanMembers: { netns: string; address: string; port: string }[] = [
      { netns: region.netns, address: region.address, port: "region" },
      { netns: nat.netns, address: nat.wanAddress, port: "nat" },
      ...ingress.map((n, i) => ({ ...n, port: `ingress${i}` })),
    ];
    for (const m of wanMembers) {
      await ip(["link", "add", "wan0", "netns", m.netns, "type", "veth", "peer", "name", m.port, "netns", wan]);
      await ip(["-n", m.netns, "addr", "add", `${m.address}/24`, "dev", "wan0"]);
      await ip(["-n", m.netns, "link", "set", "wan0", "up"]);
      await plugIntoWan(m.port);
    }
    // The home LAN: a bridge inside the nat namespace, one port per device.
    await ip(["-n", nat.netns, "link", "add", "lan0", "type", "bridge"]);
    await ip(["-n", nat.netns, "addr", "add", `${nat.lanAddress}/24`, "dev", "lan0"]);
    await ip(["-n", nat.netns, "link", "set", "lan0", "up"]);
    for (const [i, d] of devices.entries()) {
      const port = `device${i}`;
      await ip(["link", "add", "lan0", "netns", d.netns, "type", "veth", "peer", "name", port, "netns", nat.netns]);
      await ip(["-n", nat.netns, "link", "set", port, "master", "lan0"]);
      await ip(["-n", nat.netns, "link", "set", port, "up"]);
      await ip(["-n", d.netns, "addr", "add", `${d.address}/24`, "dev", "lan0"]);
      await ip(["-n", d.netns, "link", "set", "lan0", "up"]);
      await ip(["-n", d.netns, "route", "add", "default", "via", nat.lanAddress]);
    }
    // The home router: forward, masquerade outbound, drop unsolicited inbound.
    const inNat = (argv: string[]) => runCommand(argv, { netns: nat.netns, timeoutMs: 15_000 });
    await inNat(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
    await inNat(["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", `${lanNet}.0/24`, "-o", "wan0", "-j", "MASQUERADE"]);
    await inNat(["iptables", "-A", "FORWARD", "-i", "wan0", "-o", "lan0", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"]);
    await inNat(["iptables", "-A", "FORWARD", "-i", "wan0", "-o", "lan0", "-j", "DROP"]);
    // Host traffic for the LAN goes to the lab's router, not out of the machine's default route.
    await ip(["route", "add", `${lanNet}.0/24`, "via", nat.wanAddress, "dev", hostIf]);
  } catch (err) {
    await stop();
    throw new Error(`network lab failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }

  return {
    runId,
    wanCidr: `${wanNet}.0/24`,
    lanCidr: `${lanNet}.0/24`,
    host,
    region,
    nat,
    ingress,
    devices,
    namespaces: () => [...all],
    exec: (netns, argv, runOptions = {}) => runCommand(argv, { ...runOptions, netns }),
    spawn: (netns, spawnOptions) => startProcess({ ...spawnOptions, netns }),
    stop,
  };
}
