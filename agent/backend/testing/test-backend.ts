// Test support for the backend, its local API and its page (and tests/browser): a real AgentBackend over a temp-dir state file, with
// the probe, benchmark and registry handed in, so a test decides what the machine and registry look like.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult, DeviceRegistryClient, RegionRtt, DoctorReport, RegionSummary, RegistryClient } from "../../../protocol/index.ts";
import { RegistryRefused, RegistryUnreachable } from "../../../protocol/index.ts";
import { AgentBackend } from "../agent-backend.ts";
import type { BenchRunner } from "../bench-session.ts";
import { SetupGate } from "../setup-gate.ts";
import { AGENT_STATE_VERSION, AgentState, initialAgentState } from "../../state/agent-state.ts";
import { JsonFile } from "../../state/json-file.ts";

export interface TestBackendOptions {
  /** The report the agent has from an earlier run; null = never checked. */
  lastDoctor?: DoctorReport | null;
  /** What running the checks gives; default: lastDoctor, or an error if there is none. */
  runDoctor?: () => Promise<DoctorReport>;
  lastBench?: BenchResult | null;
  runBench?: BenchRunner;
  /** State as saved before the agent started. */
  state?: Partial<AgentState>;
  configuredRegistry?: string | null;
  /** The registry: a list of regions (reachable), "unreachable", or a client factory of the test's own. */
  registry?: RegionSummary[] | "unreachable" | ((url: string) => RegistryClient);
  /** The signing registry client (check-in); default: one that places the device in the first active region. */
  deviceClient?: (url: string) => DeviceRegistryClient;
  measureRegions?: (url: string) => Promise<RegionRtt[]>;
  /** Reuse a state dir, as a restarted agent does; default: a fresh temp dir. */
  stateDir?: string;
  /** What the daemon repaired on its way up. */
  startupNotices?: string[];
}

export interface TestBackend {
  backend: AgentBackend;
  gate: SetupGate;
  stateDir: string;
  /** Everything the backend and the page logged, for tests that check what is (and is not) logged. */
  logs: { event: string; fields?: Record<string, unknown> }[];
  log: (event: string, fields?: Record<string, unknown>) => void;
  cleanup(): void;
}

/** fakeRegistry answers like a registry with these regions, or like one that cannot be reached. */
export function fakeRegistry(regions: RegionSummary[] | "unreachable"): (url: string) => RegistryClient {
  return (url) => ({
    baseUrl: url,
    async health() {
      if (regions === "unreachable") throw new RegistryUnreachable(`registry not reachable at ${url}: Unable to connect. Is the computer able to access the url?`);
    },
    async listRegions() {
      if (regions === "unreachable") throw new RegistryUnreachable(`registry not reachable at ${url}: Unable to connect. Is the computer able to access the url?`);
      return regions;
    },
  });
}

/** fakeDeviceClient checks a device in like a registry with these regions would: the first active one takes it. */
export function fakeDeviceClient(regions: RegionSummary[] | "unreachable"): (url: string) => DeviceRegistryClient {
  const unreachable = (url: string) => new RegistryUnreachable(`registry not reachable at ${url}: Unable to connect. Is the computer able to access the url?`);
  return (url) => ({
    baseUrl: url,
    async checkIn() {
      if (regions === "unreachable") throw unreachable(url);
      const region = regions.find((r) => r.status === "active" && !r.full) ?? null;
      return {
        device: {
          deviceId: "dev-7f3k2m9q",
          owner: "akash1testowner",
          state: region ? "assigned" : "waitlisted",
          region: region ? { id: region.id, name: region.name, locationRegion: region.locationRegion } : null,
          waitlist: region ? null : { area: "US", position: 1, waiting: 1, threshold: 25, readyToBootstrap: false, reason: "every region is full" },
          message: region ? "A region has a place for this device; it joins the cluster next." : "No region can take this device yet.",
          heartbeatIntervalS: 15,
          replaces: null,
        },
        session: { token: "ds1.test", expiresAt: new Date(Date.now() + 60_000).toISOString() },
      };
    },
    async openSession() {
      if (regions === "unreachable") throw unreachable(url);
      return { token: "ds1.test", expiresAt: new Date(Date.now() + 60_000).toISOString() };
    },
    async self() {
      throw unreachable(url);
    },
    async sendTelemetry() {
      throw unreachable(url);
    },
    // Like a registry whose regions have no cluster connected yet.
    async join() {
      throw new RegistryRefused(409, "region_not_ready", "region test-west does not take devices into its cluster yet", "stay checked in");
    },
    async pause() {
      throw unreachable(url);
    },
    async leave() {
      throw unreachable(url);
    },
  });
}

/** createTestBackend builds the backend the daemon would, from fakes and a fresh temp dir. */
export function createTestBackend(opts: TestBackendOptions = {}): TestBackend {
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "akash-home-backend-"));
  const stateFile = new JsonFile(join(stateDir, "state.json"), AgentState, AGENT_STATE_VERSION);
  if (opts.state) stateFile.write({ ...initialAgentState(), ...opts.state });
  const logs: TestBackend["logs"] = [];
  const log = (event: string, fields?: Record<string, unknown>) => void logs.push({ event, fields });
  const backend = new AgentBackend({
    build: { version: "0.1.0-test", commit: "abc1234" },
    device: { id: "dev-7f3k2m9q", publicKey: "pk" },
    stateDir,
    pageUrl: "http://127.0.0.1:7777",
    configuredRegistry: opts.configuredRegistry ?? null,
    store: { load: () => stateFile.read() ?? initialAgentState(), save: (s) => stateFile.write(s) },
    runDoctor:
      opts.runDoctor ??
      (async () => {
        if (!opts.lastDoctor) throw new Error("no probe in this test");
        return opts.lastDoctor;
      }),
    lastDoctor: opts.lastDoctor ?? null,
    runBench:
      opts.runBench ??
      (async () => {
        throw new Error("no benchmark in this test");
      }),
    lastBench: opts.lastBench ?? null,
    registryClient: typeof opts.registry === "function" ? opts.registry : fakeRegistry(opts.registry ?? "unreachable"),
    deviceClient: opts.deviceClient ?? fakeDeviceClient(typeof opts.registry === "function" ? "unreachable" : (opts.registry ?? "unreachable")),
    machineIdHash: "0".repeat(64),
    measureRegions: opts.measureRegions ?? (async () => []),
    log,
    startupNotices: opts.startupNotices,
  });
  return { backend, gate: new SetupGate(), stateDir, logs, log, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) };
}
