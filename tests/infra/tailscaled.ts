// tailscaled: a real Tailscale daemon for tests. Inside a lab namespace it runs in TUN mode (a real
// tailscale0 there, userspace WireGuard, kernel routing — what a home device runs); on the host it runs in
// userspace-networking mode so it never touches the host's interfaces. It never reaches the internet: no
// port-mapping probes of the gateway, DERP over plain HTTP to Headscale's embedded relay, no log uploads,
// no proxies.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeLogs, runCommand, startProcess, waitUntil, type RunResult } from "./process.ts";
import { tool } from "./tools.ts";
import { keepLogsAfterFailure, makeWorkDir, removeWorkDir } from "./work-dir.ts";

/** The environment every test tailscaled (and tailscale CLI) runs with. */
export const TAILSCALED_TEST_ENV: Readonly<Record<string, string>> = {
  TS_DISABLE_PORTMAPPER: "1", // no UPnP/NAT-PMP/PCP probes to the default gateway
  TS_DEBUG_USE_DERP_HTTP: "1", // Headscale's embedded DERP is served over plain HTTP in tests
  TS_NO_LOGS_NO_SUPPORT: "true", // no log uploads
};

export interface TailscaledOptions {
  /** name labels the daemon's dir and log (e.g. "device-0"). */
  name: string;
  /** netns runs it inside that namespace, in TUN mode; without it, userspace networking on the host. */
  netns?: string;
  /** tun overrides the interface name (≤ 15 chars; names are per namespace, so tailscale0 is fine in one). */
  tun?: string;
  /** env adds to TAILSCALED_TEST_ENV. */
  env?: Record<string, string>;
}

export interface TailscaleUpOptions {
  loginServer: string;
  /** authKey is written to a 0600 file and passed as --auth-key=file:<path>, never in argv. */
  authKey: string;
  hostname: string;
  /** tags to request, e.g. ["tag:device"]. */
  tags?: string[];
  extraArgs?: string[];
  timeoutSeconds?: number;
}

export interface TailscaleStatus {
  BackendState: string;
  TailscaleIPs?: string[] | null;
  Self?: { HostName?: string; TailscaleIPs?: string[] | null; Online?: boolean };
  Peer?: Record<string, { HostName?: string; TailscaleIPs?: string[] | null; Online?: boolean; CurAddr?: string; Relay?: string }> | null;
}

export interface Tailscaled {
  readonly name: string;
  readonly netns: string | undefined;
  readonly dir: string;
  readonly socketPath: string;
  readonly tun: string;
  /** tailscale runs the CLI against this daemon (tailscale --socket=…); a non-zero exit throws. */
  tailscale(args: string[], options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<RunResult>;
  /** up joins a control server with a pre-auth key (for harness tests; the product does its own up). */
  up(options: TailscaleUpOptions): Promise<void>;
  status(): Promise<TailscaleStatus>;
  /** ipv4 is this node's tailnet IPv4 address (after up). */
  ipv4(): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

/** startTailscaled starts the daemon and waits until its socket answers. */
export async function startTailscaled(options: TailscaledOptions): Promise<Tailscaled> {
  const [tailscaledBin, tailscaleBin] = await Promise.all([tool("tailscaled"), tool("tailscale")]);
  const tun = options.tun ?? (options.netns ? "tailscale0" : "userspace-networking");
  // "userspace-networking" is tailscaled's mode word, not an interface name.
  if (tun !== "userspace-networking" && tun.length > 15) throw new Error(`interface name ${tun} is longer than 15 characters`);
  const dir = makeWorkDir(`tailscaled-${options.name}`);
  const socketPath = join(dir, "tailscaled.sock");
  const env = { ...TAILSCALED_TEST_ENV, ...options.env };
  const proc = startProcess({
    name: "tailscaled",
    dir,
    netns: options.netns,
    env,
    argv: [
      tailscaledBin,
      `--tun=${tun}`,
      `--statedir=${join(dir, "state")}`,
      `--socket=${socketPath}`,
      "--port=0",
      "--no-logs-no-support",
      "--encrypt-state=false", // no TPM here; don't go looking for one
    ],
  });
  const tailscale = async (args: string[], runOptions: { allowFailure?: boolean; timeoutMs?: number } = {}) =>
    runCommand([tailscaleBin, `--socket=${socketPath}`, ...args], { netns: options.netns, env, timeoutMs: runOptions.timeoutMs ?? 30_000, allowFailure: runOptions.allowFailure });
  const status = async () => JSON.parse((await tailscale(["status", "--json"], { allowFailure: true })).stdout) as TailscaleStatus;
  const stop = async () => {
    await proc.stop(); // SIGTERM: it removes its routes and interface itself
    removeWorkDir(dir);
  };
  try {
    await waitUntil(`tailscaled ${options.name}`, async () => Boolean((await status()).BackendState), { timeoutMs: 30_000, intervalMs: 200, processes: [proc] });
  } catch (err) {
    await proc.stop();
    keepLogsAfterFailure(); // the dir stays, for its log
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`tailscaled failed to start: ${message.includes(proc.logPath) ? message : `${message}\n${describeLogs([proc])}`}`);
  }
  return {
    name: options.name,
    netns: options.netns,
    dir,
    socketPath,
    tun,
    tailscale,
    async up(up) {
      const keyFile = join(dir, "auth-key");
      writeFileSync(keyFile, up.authKey, { mode: 0o600 });
      const timeout = up.timeoutSeconds ?? 60;
      const args = [
        "up",
        `--login-server=${up.loginServer}`,
        `--auth-key=file:${keyFile}`,
        `--hostname=${up.hostname}`,
        "--accept-dns=false", // /etc/resolv.conf is shared by every namespace
        ...(options.netns ? ["--netfilter-mode=off"] : []),
        ...(up.tags?.length ? [`--advertise-tags=${up.tags.join(",")}`] : []),
        `--timeout=${timeout}s`,
        ...(up.extraArgs ?? []),
      ];
      const result = await tailscale(args, { allowFailure: true, timeoutMs: (timeout + 15) * 1000 });
      if (result.code !== 0) {
        throw new Error(`tailscale up (${options.name}) failed (exit ${result.code}): ${result.stdout}${result.stderr}\n${describeLogs([proc])}`);
      }
    },
    status,
    async ipv4() {
      const out = (await tailscale(["ip", "-4"])).stdout.trim();
      if (!out) throw new Error(`${options.name} has no tailnet IPv4 address yet`);
      return out.split("\n")[0]!.trim();
    },
    log: () => proc.log(),
    stop,
  };
}
