// agent/backend: the agent's setup and membership state machine. No HTTP, no HTML: the page's routes
// (agent/web) and the CLI's local API (agent/local-api) both drive it through this one object.
import type { AgentPhase, AgentStatus, CheckInRequest, RegionRtt, DeviceRegistryClient, DeviceState, DeviceView, DoctorReport, RegionSummary, RegistryClient, RegistryReachability, SetupStep, ShareSettings, UpEvent, UpRequest } from "../../protocol/index.ts";
import { PROTOCOL_VERSION, deviceStateMessage, RegistryRefused, RegistryUnreachable, SETUP_STEPS } from "../../protocol/index.ts";
import type { ClusterMembership } from "../join/cluster-membership.ts";
import type { AgentState } from "../state/agent-state.ts";
import { BenchSession, type BenchRunner, type BenchView } from "./bench-session.ts";
import { StepError } from "./step-error.ts";
import type { BenchResult } from "../../protocol/index.ts";

/** StateStore keeps AgentState durable; the daemon backs it with a 0600 JSON file. */
export interface StateStore {
  load(): AgentState;
  save(state: AgentState): void;
}

/** BackendDeps are everything the backend needs from outside, handed in by the daemon (composition root). */
export interface BackendDeps {
  build: { version: string; commit: string };
  device: { id: string; publicKey: string };
  stateDir: string;
  pageUrl: string;
  /** Registry from flag, env or config file; wins over one chosen on the page. */
  configuredRegistry: string | null;
  store: StateStore;
  runDoctor: () => Promise<DoctorReport>;
  lastDoctor: DoctorReport | null;
  runBench: BenchRunner;
  /** The benchmark found saved in the state dir; the runner saves each new result itself. */
  lastBench: BenchResult | null;
  registryClient: (url: string) => RegistryClient;
  /** The registry client that signs with the device key (check-in). */
  deviceClient: (url: string) => DeviceRegistryClient;
  /** SHA-256 of the machine id: lets the registry tell a reinstall of this machine from a copy on another. */
  machineIdHash: string;
  /** Measures round trips to the registry's regions now (placement needs ones taken against this registry). */
  measureRegions: (registryUrl: string) => Promise<RegionRtt[]>;
  /** Told after every successful check-in, so the daemon can start sending telemetry to that registry. */
  onCheckedIn?: (registryUrl: string) => void;
  /** The telemetry outbox's state, once the daemon runs one. */
  telemetryStatus?: () => AgentStatus["telemetry"];
  /** Joins and leaves the region's cluster (tailnet + k3s agent); absent where the daemon runs without one (tests of setup alone). */
  membership?: ClusterMembership;
  /** Problems the daemon repaired while starting, shown to the owner until the next start. */
  startupNotices?: string[];
  log: (event: string, fields?: Record<string, unknown>) => void;
  now?: () => Date;
}

/** AgentBackend is the one place that changes the agent's state. */
export class AgentBackend {
  private state: AgentState;
  private doctorReport: DoctorReport | null;
  private doctorRunning: Promise<DoctorReport> | null = null;
  private doctorError: string | null = null;
  private reachability: RegistryReachability;
  private joining: Promise<void> | null = null;
  private clusterProblem: string | null = null;
  readonly bench: BenchSession;

  constructor(private readonly deps: BackendDeps) {
    this.state = deps.store.load();
    this.doctorReport = deps.lastDoctor;
    this.reachability = { url: this.registryUrl(), reachable: null, error: null, checkedAt: null };
    this.bench = new BenchSession(deps.runBench, deps.lastBench, () => {
      if (this.state.setupStep === "benchmark") this.update({ setupStep: "claim" });
    });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private update(patch: Partial<AgentState>): void {
    const next = { ...this.state, ...patch };
    this.deps.store.save(next);
    const changed = Object.keys(patch).filter((k) => k !== "claimCode");
    if (changed.length) this.deps.log("state changed", { fields: changed, setupStep: next.setupStep, phase: next.phase });
    this.state = next;
  }

  /** registryUrl is the configured registry, else the one chosen on the page, else null. */
  registryUrl(): string | null {
    return this.deps.configuredRegistry ?? this.state.registryUrl;
  }

  /** registryIsConfigured says the registry came from a flag, env var or config file and the page may not change it. */
  registryIsConfigured(): boolean {
    return this.deps.configuredRegistry !== null;
  }

  status(): AgentStatus {
    const d = this.doctorReport;
    const b = this.bench.state().result;
    return {
      version: this.deps.build.version,
      commit: this.deps.build.commit,
      protocolVersion: PROTOCOL_VERSION,
      deviceId: this.deps.device.id,
      publicKey: this.deps.device.publicKey,
      stateDir: this.deps.stateDir,
      pageUrl: this.deps.pageUrl,
      phase: this.state.phase,
      paused: this.state.paused,
      setupStep: this.state.setupStep,
      registry: { ...this.reachability, url: this.registryUrl() },
      owner: this.state.owner,
      claimed: this.state.claimCode !== null || this.state.owner !== null,
      region: this.state.region,
      share: this.state.share,
      doctor: d
        ? { at: d.at, ready: d.ready, failing: d.checks.filter((c) => c.status === "fail").length, warnings: d.checks.filter((c) => c.status === "warn").length }
        : null,
      bench: b ? { at: b.startedAt, quick: b.quick, singleCore: b.cpu.singleCore, multiCore: b.cpu.multiCore } : null,
      standing: this.state.standing,
      telemetry: this.deps.telemetryStatus?.() ?? null,
      notices: this.deps.startupNotices ?? [],
    };
  }

  /** goTo moves the wizard to a step the owner has already reached (or the next one). */
  goTo(step: SetupStep): void {
    const reached = SETUP_STEPS.indexOf(this.state.setupStep);
    const wanted = SETUP_STEPS.indexOf(step);
    if (wanted > reached + 1) throw new StepError(step, `finish "${this.state.setupStep}" first`, null);
    this.update({ setupStep: step });
  }

  lastDoctor(): DoctorReport | null {
    return this.doctorReport;
  }

  /** runDoctor probes the machine once at a time; concurrent callers share the run. */
  runDoctor(): Promise<DoctorReport> {
    if (this.doctorRunning) return this.doctorRunning;
    this.doctorError = null;
    this.doctorRunning = this.deps
      .runDoctor()
      .then((report) => {
        this.doctorReport = report;
        return report;
      })
      .catch((err: unknown) => {
        this.doctorError = (err as Error)?.message ?? String(err);
        this.deps.log("hardware check failed", { error: this.doctorError });
        throw err;
      })
      .finally(() => {
        this.doctorRunning = null;
      });
    return this.doctorRunning;
  }

  /** startDoctor runs the probe in the background; how it went shows in doctorState. */
  startDoctor(): void {
    this.runDoctor().catch(() => {});
  }

  /** doctorState says whether the probe runs now and why its last run failed, if it did. */
  doctorState(): { running: boolean; runError: string | null } {
    return { running: this.doctorRunning !== null, runError: this.doctorError };
  }

  benchState(): BenchView {
    return this.bench.state();
  }

  /** acceptHardware moves past the checks; a blocking failure keeps the device from going further. */
  acceptHardware(): void {
    const report = this.doctorReport;
    if (!report) throw new StepError("hardware", "the hardware check has not run yet", "wait for the checks to finish");
    if (!report.ready) {
      const failing = report.checks.filter((c) => c.status === "fail" && c.blocking).map((c) => c.title);
      throw new StepError("hardware", `this machine cannot join yet: ${failing.join(", ")}`, "fix the failing checks, then run the checks again");
    }
    this.update({ setupStep: this.later("benchmark") });
  }

  /** setRegistry stores a registry chosen on the page (only when none is configured) and checks it. */
  async setRegistry(url: string): Promise<RegistryReachability> {
    if (this.registryIsConfigured() && url !== this.deps.configuredRegistry) {
      throw new StepError("claim", `the registry is set to ${this.deps.configuredRegistry} by the agent's configuration`, "change --registry / AKASH_HOME_REGISTRY or the config file");
    }
    if (!this.registryIsConfigured()) this.update({ registryUrl: url });
    return this.checkRegistry();
  }

  /** checkRegistry asks the registry whether it is there and remembers the answer for the page. */
  async checkRegistry(): Promise<RegistryReachability> {
    const url = this.registryUrl();
    const checkedAt = this.now().toISOString();
    if (!url) {
      this.reachability = { url: null, reachable: false, error: "no registry is set", checkedAt };
      return this.reachability;
    }
    try {
      await this.deps.registryClient(url).health();
      this.reachability = { url, reachable: true, error: null, checkedAt };
    } catch (err) {
      this.reachability = { url, reachable: false, error: (err as Error).message, checkedAt };
    }
    return this.reachability;
  }

  /** setClaim records the owner's claim code; the registry checks it at check-in. */
  setClaim(code: string): void {
    this.update({ claimCode: code, setupStep: this.later("region") });
  }

  /** regions lists the registry's regions, or says why it cannot. */
  async regions(): Promise<RegionSummary[]> {
    const url = this.registryUrl();
    if (!url) throw new StepError("region", "no registry is set", "enter the registry address on the claim step");
    try {
      const regions = await this.deps.registryClient(url).listRegions();
      this.reachability = { url, reachable: true, error: null, checkedAt: this.now().toISOString() };
      return regions;
    } catch (err) {
      if (err instanceof RegistryUnreachable) {
        this.reachability = { url, reachable: false, error: err.message, checkedAt: this.now().toISOString() };
        throw new StepError("region", err.message, "check the registry address and this machine's internet connection; the agent keeps the settings you made");
      }
      throw err;
    }
  }

  /** regionChoice is what the owner chose on the region step ("auto" or a region id), or null before that. */
  regionChoice(): string | null {
    return this.state.regionChoice;
  }

  /** chooseRegion records "auto" (nearest by measured round trip) or a region id. */
  chooseRegion(choice: string): void {
    this.update({ regionChoice: choice, setupStep: this.later("share") });
  }

  setShare(share: ShareSettings): void {
    this.update({ share, setupStep: this.later("join") });
  }

  /**
   * join checks in with the registry: it proves the device key, hands over hardware, benchmark and round
   * trips, and learns where the device goes (a region, its waitlist, or an operator's approval). Joining
   * the region's cluster itself (Tailscale, k3s) follows once the registry issues join credentials.
   */
  async join(onEvent: (e: UpEvent) => void = () => {}): Promise<AgentStatus> {
    const missing = this.missingForJoin();
    if (missing) throw missing;
    const url = this.registryUrl()!;
    onEvent({ type: "progress", step: "join", message: `measuring round trips to the regions of ${url}` });
    // The benchmark may have run before this registry was chosen; placement needs round trips to its regions.
    const rtts = await this.deps.measureRegions(url);
    onEvent({ type: "progress", step: "join", message: `checking in with ${url}` });
    let answer;
    try {
      answer = await this.deps.deviceClient(url).checkIn(this.checkInRequest(rtts));
      this.reachability = { url, reachable: true, error: null, checkedAt: this.now().toISOString() };
    } catch (err) {
      if (err instanceof RegistryRefused) {
        // A refused claim belongs to the claim step: that is where the owner fixes it.
        const step: SetupStep = err.code.startsWith("claim_") ? "claim" : "join";
        if (step === "claim") this.update({ claimCode: null });
        throw new StepError(step, `the registry refused this device: ${err.message}`, err.fix);
      }
      if (err instanceof RegistryUnreachable) {
        this.reachability = { url, reachable: false, error: err.message, checkedAt: this.now().toISOString() };
        throw new StepError("join", err.message, "check the registry address and this machine's internet connection, then join again; your settings are kept");
      }
      throw err;
    }
    const view = answer.device;
    this.applyStanding(view, { claimCode: null, owner: view.owner, setupStep: "dashboard" });
    onEvent({ type: "progress", step: "join", message: standingLine(view) });
    this.deps.onCheckedIn?.(url);
    if (PLACED_STATES.has(view.state)) await this.joinCluster(onEvent);
    return this.status();
  }

  /**
   * joinCluster brings a placed device into its region's cluster. A region that cannot take devices into
   * its cluster yet is not an error: the device keeps its place and tries again later. A missing piece
   * on this machine (Tailscale) is, with its fix.
   */
  async joinCluster(onEvent: (e: UpEvent) => void = () => {}): Promise<void> {
    const url = this.registryUrl();
    const membership = this.deps.membership;
    if (!url || !membership) return;
    if (this.joining) return this.joining;
    this.joining = (async () => {
      const outcome = await membership.join(this.deps.deviceClient(url), onEvent);
      if (outcome.joined) {
        this.update({ cluster: outcome.cluster });
        onEvent({ type: "progress", step: "join", message: `joined region ${outcome.cluster.regionId} as node ${outcome.cluster.nodeName} (tailnet ${outcome.cluster.tailnetIp})` });
        if (this.state.paused) await this.tellRegistryPaused(true);
        return;
      }
      this.clusterProblem = outcome.fix ? `${outcome.reason} (${outcome.fix})` : outcome.reason;
      onEvent({ type: "progress", step: "join", message: `not in the cluster yet: ${this.clusterProblem}` });
    })().finally(() => {
      this.joining = null;
    });
    return this.joining;
  }

  /** restartCluster restarts the k3s agent of an earlier join after the daemon restarted. */
  async restartCluster(): Promise<void> {
    if (this.state.cluster && this.state.phase !== "left") await this.deps.membership?.restart(this.state.cluster);
  }

  /** clusterStatus says why the device is not in its cluster, when it is not. */
  clusterNote(): string | null {
    return this.state.cluster ? null : this.clusterProblem;
  }

  /**
   * refreshStanding checks in again without a claim code, with round trips measured now: a waiting device
   * learns its new place in line, and may be placed if a region near it has room. Quiet: it never throws.
   */
  async refreshStanding(): Promise<void> {
    const url = this.registryUrl();
    if (!url || !this.state.standing || !this.doctorReport || this.state.phase === "left") return;
    try {
      const answer = await this.deps.deviceClient(url).checkIn({ ...this.checkInRequest(await this.deps.measureRegions(url)), claimCode: null });
      this.applyStanding(answer.device, {});
      if (PLACED_STATES.has(answer.device.state) && !this.state.cluster) await this.joinCluster();
    } catch (err) {
      this.deps.log("standing refresh failed", { error: (err as Error)?.message ?? String(err) });
    }
  }

  /** applyRegistryState follows a state the registry reported with a telemetry answer. */
  applyRegistryState(state: DeviceState): void {
    const standing = this.state.standing;
    if (!standing || standing.state === state) return;
    this.applyStanding({ ...standing, state, message: deviceStateMessage(state), waitlist: state === "waitlisted" ? standing.waitlist : null }, {});
    // Approved by an operator, or placed from the waitlist: join without waiting for the owner.
    if (state === "assigned" && !this.state.cluster) void this.joinCluster().catch((err: unknown) => this.deps.log("join failed", { error: (err as Error)?.message ?? String(err) }));
  }

  private applyStanding(view: DeviceView, extra: Partial<AgentState>): void {
    const paused = view.state === "paused" ? true : view.state === "online" || view.state === "offline" ? false : this.state.paused;
    this.update({ ...extra, standing: view, phase: phaseOf(view.state, paused), paused, region: view.region ? { id: view.region.id, name: view.region.name } : null });
  }

  /** checkInRequest is what the registry needs to place this device; the raw machine id stays here. */
  private checkInRequest(rtts: RegionRtt[]): CheckInRequest {
    const hardware = this.doctorReport!.hardware;
    const bench = this.bench.state().result;
    return {
      protocolVersion: PROTOCOL_VERSION,
      claimCode: this.state.claimCode,
      machineIdHash: this.deps.machineIdHash,
      hostname: hardware.hostname,
      agentVersion: this.deps.build.version,
      hardware: { ...hardware, machineId: null },
      bench,
      rtts,
      share: this.state.share,
      regionChoice: this.state.regionChoice ?? "auto",
    };
  }

  private missingForJoin(): StepError | null {
    if (!this.doctorReport?.ready) return new StepError("hardware", "the hardware checks have not passed", "run the checks and fix what fails");
    if (!this.bench.state().result) return new StepError("benchmark", "the benchmark has not run", "run the benchmark");
    if (!this.registryUrl()) return new StepError("claim", "no registry is set", "give the registry address");
    if (!this.state.claimCode && !this.state.owner && !this.state.standing) return new StepError("claim", "no claim code was given", "make a claim code in the owner portal and enter it");
    if (!this.state.share) return new StepError("share", "nothing is shared yet", "choose what to share");
    return null;
  }

  /** up is the whole setup, headless: the same steps the page walks, with defaults when `yes`. */
  async up(req: UpRequest, onEvent: (e: UpEvent) => void): Promise<AgentStatus> {
    onEvent({ type: "progress", step: "hardware", message: "checking the hardware" });
    const report = await this.runDoctor();
    if (!report.ready) {
      const failing = report.checks.filter((c) => c.status === "fail" && c.blocking);
      throw new StepError("hardware", `this machine cannot join: ${failing.map((c) => `${c.title}: ${c.message}`).join("; ")}`, failing.map((c) => c.fix).filter(Boolean).join("; ") || "run `akash-home doctor`");
    }
    this.update({ setupStep: this.later("benchmark") });
    // The registry first: the benchmark measures round trips and download speed against it.
    if (req.registry) await this.setRegistry(req.registry);
    if (!this.bench.state().result) {
      onEvent({ type: "progress", step: "benchmark", message: "running the quick benchmark" });
      await this.bench.start(true);
    }
    this.update({ setupStep: this.later("claim") });
    if (!this.registryUrl()) throw new StepError("claim", "no registry is set", "pass --registry URL (or set AKASH_HOME_REGISTRY)");
    if (req.claim) this.setClaim(req.claim);
    if (!this.state.claimCode && !this.state.owner && !this.state.standing) throw new StepError("claim", "no claim code was given", "make one in the owner portal and pass --claim CODE");
    onEvent({ type: "progress", step: "region", message: "asking the registry for regions" });
    this.chooseRegion(req.region ?? this.state.regionChoice ?? "auto");
    if (req.share || !this.state.share) {
      if (!req.yes && !this.state.share && !req.share) throw new StepError("share", "nothing is shared yet", "pass --yes to share the defaults, or set --cpu-cores / --memory-gib");
      this.setShare(this.defaultShare(req.share ?? {}));
    }
    return this.join(onEvent);
  }

  /** defaultShare offers all but one core and a quarter of memory kept for the owner, and every supported GPU. */
  defaultShare(partial: Partial<ShareSettings>): ShareSettings {
    const hw = this.doctorReport?.hardware;
    const threads = hw?.cpu.threads ?? 1;
    const memGiB = Math.floor((hw?.memory.totalBytes ?? 0) / 2 ** 30);
    return {
      cpuCores: partial.cpuCores ?? Math.max(1, threads - 1),
      memoryGiB: partial.memoryGiB ?? Math.max(1, Math.floor(memGiB * 0.75)),
      gpus: partial.gpus ?? (hw?.gpus ?? []).filter((g) => g.supported && g.uuid).map((g) => g.uuid!),
      hours: partial.hours ?? null,
    };
  }

  async pause(): Promise<AgentStatus> {
    if (this.state.phase === "setup" || this.state.phase === "left") throw new StepError("dashboard", "this device has not joined, so there is nothing to pause", "finish setup first");
    this.update({ paused: true, phase: "paused" });
    await this.tellRegistryPaused(true);
    return this.status();
  }

  async resume(): Promise<AgentStatus> {
    if (!this.state.paused) throw new StepError("dashboard", "this device is not paused", null);
    // Back to where the registry last placed it: a waiting device stays waiting, a joined one rejoins.
    const standing = this.state.standing;
    this.update({ paused: false, phase: standing ? phaseOf(standing.state === "paused" ? "online" : standing.state, false) : "joining" });
    await this.tellRegistryPaused(false);
    return this.status();
  }

  /**
   * tellRegistryPaused has the registry cordon (or uncordon) this device's node now. If the registry cannot
   * be reached the pause still holds here, and the next heartbeat carries it.
   */
  private async tellRegistryPaused(paused: boolean): Promise<void> {
    const url = this.registryUrl();
    if (!url || !this.state.standing || !this.state.cluster) return;
    try {
      const view = await this.deps.deviceClient(url).pause(paused);
      this.applyStanding(view, {});
    } catch (err) {
      this.deps.log("pause not reported", { paused, error: (err as Error)?.message ?? String(err) });
    }
  }

  /**
   * down leaves the network: the registry drains and removes this node, the k3s agent stops, the device
   * leaves the tailnet, and the claim is forgotten. The device key stays so the device can return as itself.
   */
  async down(onEvent: (e: UpEvent) => void = () => {}): Promise<AgentStatus> {
    const url = this.registryUrl();
    if (this.deps.membership && (this.state.cluster || this.state.standing)) {
      const { problem } = await this.deps.membership.leave(url && this.state.standing ? this.deps.deviceClient(url) : null, onEvent);
      if (problem) this.deps.log("leave incomplete", { problem });
    }
    this.update({ phase: this.state.phase === "setup" ? "setup" : "left", paused: false, claimCode: null, owner: null, region: null, standing: null, cluster: null, setupStep: this.state.setupStep === "dashboard" ? "claim" : this.state.setupStep });
    return this.status();
  }

  /** later returns step, unless the wizard is already past it (re-running a step never moves it back). */
  private later(step: SetupStep): SetupStep {
    return SETUP_STEPS.indexOf(step) > SETUP_STEPS.indexOf(this.state.setupStep) ? step : this.state.setupStep;
  }
}

/** PLACED_STATES are the registry states in which a device belongs in its region's cluster. */
const PLACED_STATES: ReadonlySet<DeviceState> = new Set(["assigned", "joining", "online", "offline", "paused"]);

/** phaseOf maps the registry's device state to the agent's phase. */
export function phaseOf(state: DeviceState, paused: boolean): AgentPhase {
  switch (state) {
    case "pending_approval":
      return "pending-approval";
    case "waitlisted":
      return "waitlisted";
    case "assigned":
    case "joining":
      return paused ? "paused" : "joining";
    case "online":
      return "online";
    case "offline":
      return "offline";
    case "paused":
      return "paused";
    case "removed":
    case "banned":
      return "left";
  }
}

/** standingLine says in one line where the registry put the device. */
export function standingLine(view: DeviceView): string {
  if (view.state === "waitlisted" && view.waitlist) {
    return `waitlisted in area ${view.waitlist.area}: position ${view.waitlist.position} of ${view.waitlist.waiting} (${view.waitlist.reason})`;
  }
  if (view.state === "pending_approval") return `waiting for the operator of ${view.region?.name ?? "the region"} to approve this device`;
  if (view.region) return `${view.state === "assigned" ? "assigned to" : `${view.state} in`} ${view.region.name} (${view.region.id})`;
  return view.message;
}
