// agent/daemon: the composition root. It builds the concrete stores, runners and servers, wires them
// to the backend, and owns the process lifecycle (signals, shutdown). Nothing else constructs them.
import { existsSync, mkdirSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { createDeviceRegistryClient, createRegistryClient, type BenchResult, type DoctorReport } from "../../protocol/index.ts";
import { machineIdHash } from "../state/machine-id.ts";
import { BenchResult as BenchResultSchema, DoctorReport as DoctorReportSchema } from "../../protocol/index.ts";
import { BUILD } from "../build-info.ts";
import { STATE_FILES } from "../config/paths.ts";
import { AGENT_STATE_VERSION, AgentState, initialAgentState } from "../state/agent-state.ts";
import { JsonFile } from "../state/json-file.ts";
import { loadOrCreateDeviceKey } from "../state/device-key.ts";
import { AgentBackend } from "../backend/agent-backend.ts";
import { SetupGate } from "../backend/setup-gate.ts";
import { socketIsLive, startLocalApi } from "../local-api/server.ts";
import { assertLoopbackListen } from "../web/guard.ts";
import { createLogger } from "./logger.ts";
import { runBenchChild, runDoctorChild } from "./self-exec.ts";
import { servePage } from "./page-server.ts";
import { telemetryWiring } from "./telemetry-wiring.ts";
import { ClusterMembership } from "../join/cluster-membership.ts";
import { K3sAgent } from "../join/k3s-agent.ts";
import { Tailscale } from "../join/tailscale.ts";
import type { Output } from "../cli/command.ts";

/** How often a waiting device checks in again to learn its place in line. */
const STANDING_REFRESH_MS = 10 * 60_000;

export interface DaemonOptions {
  stateDir: string;
  listen: string;
  registry: string | null;
  /** Failing checks the owner chose to ignore, passed to every hardware check. */
  ignoreChecks: string | null;
  /** Where the machine id is read from; null = the system's. */
  machineIdFile?: string | null;
  /** The programs that join the cluster: the tailscale CLI (and tailscaled's socket) and k3s. */
  tailscaleBin?: string;
  tailscaleSocket?: string | null;
  k3sBin?: string;
  io: Output;
}

function splitListen(listen: string): { hostname: string; port: number } {
  const at = listen.lastIndexOf(":");
  return { hostname: listen.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(listen.slice(at + 1)) };
}

/** runDaemon serves the page and the local API until SIGINT or SIGTERM; it resolves with the exit code. */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const log = createLogger("agent");
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(opts.stateDir, 0o700);
  // Before touching any state: a second agent on the same state dir would fight the first over it.
  const socketPath = join(opts.stateDir, STATE_FILES.socket);
  if (await socketIsLive(socketPath)) throw new Error(`another akash-home agent is already running with the state dir ${opts.stateDir}`);

  // What had to be repaired on the way up is logged and shown to the owner on the page and in `status`.
  const notices: string[] = [];
  const notice = (event: string, problem: string | null) => {
    if (!problem) return;
    log(event, { problem });
    notices.push(problem);
  };
  const keyExisted = existsSync(join(opts.stateDir, STATE_FILES.deviceKey));
  const { key, problem: keyProblem } = await loadOrCreateDeviceKey(join(opts.stateDir, STATE_FILES.deviceKey));
  notice("device key replaced", keyProblem);

  const stateFile = new JsonFile(join(opts.stateDir, STATE_FILES.state), AgentState, AGENT_STATE_VERSION);
  const store = {
    load: () => {
      const loaded = stateFile.read();
      notice("state file set aside", stateFile.lastProblem);
      return loaded ?? initialAgentState();
    },
    save: (s: AgentState) => stateFile.write(s),
  };
  const doctorFile = new JsonFile(join(opts.stateDir, STATE_FILES.doctor), DoctorReportSchema, 1);
  const lastDoctor = doctorFile.read();
  notice("hardware report set aside", doctorFile.lastProblem);
  const benchFile = new JsonFile(join(opts.stateDir, STATE_FILES.bench), BenchResultSchema, 1);
  const lastBench = benchFile.read();
  notice("benchmark result set aside", benchFile.lastProblem);

  const { hostname, port } = splitListen(opts.listen);
  const pageUrl = `http://${opts.listen}`;
  const telemetry = telemetryWiring({
    stateDir: opts.stateDir,
    key,
    keyExisted,
    agentVersion: BUILD.version,
    paused: () => backend.status().paused,
    hasNvidiaGpu: () => (backend.lastDoctor()?.hardware.gpus ?? []).some((g) => g.vendor === "nvidia"),
    onRegistryState: (state) => backend.applyRegistryState(state),
    notice,
    log: createLogger("telemetry"),
  });
  const membership = new ClusterMembership({
    tailscale: new Tailscale({ bin: opts.tailscaleBin ?? "tailscale", socket: opts.tailscaleSocket ?? null, secretsDir: join(opts.stateDir, "join") }),
    k3s: new K3sAgent({ bin: opts.k3sBin ?? "k3s", dataDir: join(opts.stateDir, "k3s"), log: createLogger("k3s") }),
    containerRuntime: async () => ((backend.status().share?.gpus.length ?? 0) > 0 && Bun.which("nvidia-container-runtime") ? "nvidia" : null),
    log: createLogger("join"),
  });
  const backend: AgentBackend = new AgentBackend({
    build: BUILD,
    device: { id: key.id, publicKey: key.publicKey },
    stateDir: opts.stateDir,
    pageUrl,
    configuredRegistry: opts.registry,
    store,
    runDoctor: async () => {
      const report: DoctorReport = await runDoctorChild(opts.stateDir, opts.ignoreChecks);
      doctorFile.write(report);
      return report;
    },
    lastDoctor,
    runBench: (quick, onProgress): Promise<BenchResult> => runBenchChild(opts.stateDir, quick, backend.registryUrl(), onProgress),
    lastBench,
    registryClient: (url) => createRegistryClient(url),
    deviceClient: (url) => createDeviceRegistryClient(url, key),
    measureRegions: async (url) => {
      const { networkTargets } = await import("../bench/registry-targets.ts");
      const { probeRegions } = await import("../bench/rtt-probe.ts");
      const targets = await networkTargets(url);
      return probeRegions(targets.regions, { attempts: 3, timeoutMs: 2000, deadlineMs: 5000 });
    },
    machineIdHash: machineIdHash(key.id, opts.machineIdFile ? [opts.machineIdFile] : undefined),
    onCheckedIn: (url) => telemetry.startFor(url),
    telemetryStatus: () => telemetry.status(),
    membership,
    startupNotices: notices,
    log: createLogger("backend"),
  });
  const gate = new SetupGate();

  assertLoopbackListen(opts.listen);
  const webLog = createLogger("web");
  let web: { stop: () => void };
  try {
    web = servePage({
      hostname,
      port,
      load: async () => {
        const { createWebApp } = await import("../web/web-app.ts");
        const app = createWebApp({ backend, gate, listen: opts.listen, log: webLog });
        return (req) => app.handle(req);
      },
      onError: (err) => webLog("page error", { error: (err as Error)?.message ?? String(err) }),
    });
  } catch (err) {
    const inUse = (err as { code?: string }).code === "EADDRINUSE" || /in use/i.test(String((err as Error).message));
    throw new Error(inUse ? `${opts.listen} is already in use; is another akash-home agent running? Pick another address with --listen` : `cannot serve the page on ${opts.listen}: ${(err as Error).message}`);
  }
  const localApi = startLocalApi(socketPath, backend, gate, createLogger("localapi"));

  log("started", { version: BUILD.version, page: pageUrl, device: key.id });
  // A device that has checked in before goes on sending what its outbox holds, and new heartbeats.
  const checkedInWith = backend.registryUrl();
  if (checkedInWith && backend.status().standing) telemetry.startFor(checkedInWith);
  // A device that had joined runs its kubelet again; one placed but not yet in the cluster tries to join.
  void backend.restartCluster().catch((err: unknown) => log("k3s agent not restarted", { error: (err as Error)?.message ?? String(err) }));
  // A device that waits (for a place, or an operator) asks again now and then where it stands.
  const refresh = setInterval(() => {
    const phase = backend.status().phase;
    if (phase === "waitlisted" || phase === "pending-approval") void backend.refreshStanding();
  }, STANDING_REFRESH_MS);
  refresh.unref();
  // The code opens the page; it goes to the terminal that started us, never into the JSON log.
  if (opts.io.isTty) opts.io.out(`\n  Setup page: ${pageUrl}\n  setup code: ${gate.currentCode()}\n\n`);
  else opts.io.out(`setup page: ${pageUrl} (run "sudo akash-home status" to see the setup code)\n`);

  // No probe here: the page starts one when the owner signs in and `up` runs its own, so an agent
  // nobody is setting up never loads the probe's child-process plumbing.
  return await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log("stopping", { signal });
      web.stop();
      localApi.stop();
      // Let a send in flight finish (and its records be acknowledged) before the process ends.
      void Promise.allSettled([telemetry.stop(), membership.shutdown()]).finally(() => resolve(0));
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
