// registry/telemetry: durable, batched ingest of device telemetry; the registry's online/offline decision
// from heartbeat arrival; per-device uptime intervals. Must not import HTTP (Elysia), views, or other
// domains: the HTTP route authenticates the device and calls ingest(); the devices domain hears about
// presence through onPresence.
import type { TelemetryRecord } from "../../protocol/index.ts";
import { PublicError } from "../public-error.ts";
import { LatencyHistogram, type HistogramSnapshot } from "../latency-histogram.ts";
import type { HeartbeatRow, MetricsRow, TelemetryRepo, UptimeInterval } from "./repo.ts";
import { UptimeTracker, type ArrivedHeartbeat, type PresenceChange } from "./uptime-tracker.ts";

export type { PresenceChange } from "./uptime-tracker.ts";

/** Kubernetes marks a node unknown 40–50 s after its last lease renewal; our heartbeat comes every 15 s. */
export const DEFAULT_GRACE_MS = 50_000;
export const DEFAULT_MAX_BATCH_RECORDS = 5000;
/** About five seconds of the target load: beyond it the store is not keeping up, and waiting longer helps nobody. */
export const DEFAULT_MAX_QUEUED_RECORDS = 100_000;

export interface TelemetryServiceOptions {
  repo: TelemetryRepo;
  now?: () => number;
  /** How long after its last heartbeat a device still counts as online. */
  graceMs?: number;
  /**
   * Group commit: calls that arrive while a transaction is being written share the next one. Off, every
   * call gets its own transaction (to measure what batching buys).
   */
  batching?: boolean;
  /** The most records one transaction takes; a single call is never split. */
  maxBatchRecords?: number;
  /** The most records waiting for a transaction; past it ingest refuses (503) and the agent's outbox retries later. */
  maxQueuedRecords?: number;
  /** Hears every presence change, in order per device; ingest answers after the "online" it caused is handled. */
  onPresence?: (change: PresenceChange) => void | Promise<void>;
  /** Hears failures of onPresence (the records are stored regardless). Default: console.error. */
  onError?: (err: unknown, context: string) => void;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
}

export interface TelemetryStats {
  /** Records stored (new), heartbeats and metrics together. */
  recordsStored: number;
  heartbeatsStored: number;
  metricsStored: number;
  duplicates: number;
  batchesCommitted: number;
  callsCommitted: number;
  meanBatchRecords: number;
  meanBatchCalls: number;
  /** Calls whose transaction failed. */
  callsFailed: number;
  /** Calls refused because too many records were already waiting. */
  callsRefused: number;
  /** Records waiting for a transaction right now. */
  queuedRecords: number;
  devicesOnline: number;
  /** Time from BEGIN to COMMIT of each batch. */
  commitLatencyMs: HistogramSnapshot;
  /** Time from ingest() to its answer, queueing included: what a device waits. */
  ingestLatencyMs: HistogramSnapshot;
}

export interface Sweeper {
  stop(): void;
}

interface PendingCall {
  kind: "call";
  deviceId: string;
  records: readonly TelemetryRecord[];
  receivedAt: number;
  queuedAt: number;
  resolve: (result: IngestResult) => void;
  reject: (err: unknown) => void;
}

/** A task runs between batches, never during one: it sees memory that matches the store. */
interface PendingTask {
  kind: "task";
  run: () => Promise<void> | void;
}

type Pending = PendingCall | PendingTask;

interface CallOutcome {
  call: PendingCall;
  result: IngestResult;
}

export class TelemetryService {
  private readonly repo: TelemetryRepo;
  private readonly now: () => number;
  readonly graceMs: number;
  readonly batching: boolean;
  private readonly maxBatchRecords: number;
  private readonly maxQueuedRecords: number;
  private readonly tracker: UptimeTracker;
  private readonly queue: Pending[] = [];
  private queuedRecords = 0;
  private draining = false;
  private drainScheduled = false;
  private closed = false;
  private readonly presenceChains = new Map<string, Promise<void>>();
  private readonly sweepers = new Set<Sweeper>();

  private readonly counters = { heartbeatsStored: 0, metricsStored: 0, duplicates: 0, batchesCommitted: 0, callsCommitted: 0, recordsInBatches: 0, callsFailed: 0, callsRefused: 0 };
  private readonly commitLatency = new LatencyHistogram();
  private readonly ingestLatency = new LatencyHistogram();

  constructor(private readonly o: TelemetryServiceOptions) {
    this.repo = o.repo;
    this.now = o.now ?? Date.now;
    this.graceMs = o.graceMs ?? DEFAULT_GRACE_MS;
    this.batching = o.batching ?? true;
    this.maxBatchRecords = Math.max(1, o.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS);
    this.maxQueuedRecords = o.maxQueuedRecords ?? DEFAULT_MAX_QUEUED_RECORDS;
    this.tracker = new UptimeTracker(this.graceMs);
  }

  /**
   * ingest stores a device's records once each by (device, seq) and answers only when they are committed.
   * The device must already be authenticated; the records validated against protocol/telemetry.ts.
   * Refusals are PublicErrors (503) that the agent's outbox answers by sending again later.
   */
  ingest(deviceId: string, records: readonly TelemetryRecord[]): Promise<IngestResult> {
    if (this.closed) {
      return Promise.reject(new PublicError(503, "registry_stopping", "The registry is shutting down and stores no more telemetry.", "Send again in a few seconds; the agent keeps the records until then."));
    }
    if (records.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    if (this.queuedRecords + records.length > this.maxQueuedRecords) {
      this.counters.callsRefused++;
      return Promise.reject(new PublicError(503, "telemetry_busy", "The registry has more telemetry waiting than its store keeps up with.", "Send again in a few seconds; the agent keeps the records until then."));
    }
    const receivedAt = this.now();
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ kind: "call", deviceId, records, receivedAt, queuedAt: performance.now(), resolve, reject });
      this.queuedRecords += records.length;
      this.scheduleDrain();
    });
  }

  /**
   * loadPresence reads the open interval of every device heard from within graceMs, so that after a restart
   * such a device is still online (not announced again) and its interval goes on, and every other device is
   * offline (its next heartbeat announces it and starts a new interval). Call it once
   * at start-up, before ingest; it returns the devices it found online, for the devices domain to reconcile
   * with its own state (a crash between a commit and its onPresence leaves the two apart).
   */
  loadPresence(): Promise<{ online: string[] }> {
    return this.runBetweenBatches(async () => {
      const now = this.now();
      this.tracker.load(await this.repo.latestIntervals(now - this.graceMs), now);
      return { online: this.tracker.onlineDeviceIds() };
    });
  }

  /**
   * sweep declares offline, once each, the online devices whose last heartbeat is more than graceMs older
   * than now, and resolves when onPresence has handled them. Heartbeats that arrived before the sweep are
   * counted first.
   */
  async sweep(now: number = this.now()): Promise<PresenceChange[]> {
    const changes = await this.runBetweenBatches(async () => this.tracker.expire(now));
    await Promise.all(changes.map((c) => this.announce(c)));
    return changes;
  }

  /** startSweeper sweeps every intervalMs until stopped (or close()). */
  startSweeper(intervalMs: number): Sweeper {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sweep()
        .catch((err) => this.reportError(err, "sweep"))
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    const sweeper: Sweeper = {
      stop: () => {
        clearInterval(timer);
        this.sweepers.delete(sweeper);
      },
    };
    this.sweepers.add(sweeper);
    return sweeper;
  }

  /** presence is the registry's current view of a device. */
  async presence(deviceId: string): Promise<"online" | "offline"> {
    const known = this.tracker.presence(deviceId);
    if (known !== "unknown") return known;
    await this.runBetweenBatches(() => this.loadDevices([deviceId]));
    return this.tracker.presence(deviceId) === "online" ? "online" : "offline";
  }

  /** onlineDeviceIds lists the devices online now, least recently heard from first. */
  onlineDeviceIds(): string[] {
    return this.tracker.onlineDeviceIds();
  }

  lastHeartbeat(deviceId: string): Promise<HeartbeatRow | null> {
    return this.repo.lastHeartbeat(deviceId);
  }

  /** uptimeIntervals lists the device's intervals overlapping [fromMs, toMs], oldest first. */
  uptimeIntervals(deviceId: string, fromMs: number, toMs: number): Promise<UptimeInterval[]> {
    return this.repo.uptimeIntervals(deviceId, fromMs, toMs);
  }

  stats(): TelemetryStats {
    const c = this.counters;
    return {
      recordsStored: c.heartbeatsStored + c.metricsStored,
      heartbeatsStored: c.heartbeatsStored,
      metricsStored: c.metricsStored,
      duplicates: c.duplicates,
      batchesCommitted: c.batchesCommitted,
      callsCommitted: c.callsCommitted,
      meanBatchRecords: c.batchesCommitted ? c.recordsInBatches / c.batchesCommitted : 0,
      meanBatchCalls: c.batchesCommitted ? c.callsCommitted / c.batchesCommitted : 0,
      callsFailed: c.callsFailed,
      callsRefused: c.callsRefused,
      queuedRecords: this.queuedRecords,
      devicesOnline: this.tracker.onlineCount,
      commitLatencyMs: this.commitLatency.snapshot(),
      ingestLatencyMs: this.ingestLatency.snapshot(),
    };
  }

  /** close refuses new calls, stops sweepers, commits what is queued and waits for presence callbacks. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.sweepers]) s.stop();
    // A task runs after every call queued before it has been committed (or has failed).
    await this.runBetweenBatches(() => {});
    await Promise.all([...this.presenceChains.values()]);
  }

  private runBetweenBatches<T>(fn: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        kind: "task",
        run: async () => {
          try {
            resolve(await fn());
          } catch (err) {
            reject(err);
          }
        },
      });
      this.scheduleDrain();
    });
  }

  /**
   * scheduleDrain starts a drain on the next turn of the event loop when none is running, so that calls
   * arriving in the same turn (requests read together from the network) share a transaction without any
   * timer adding latency. While a drain runs, new calls simply queue for its next transaction.
   */
  private scheduleDrain(): void {
    if (this.draining || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.kind === "task") {
          this.queue.shift();
          await head.run();
          continue;
        }
        await this.commitWithIsolation(this.takeBatch());
      }
    } finally {
      this.draining = false;
    }
  }

  /** takeBatch takes calls from the head of the queue up to maxBatchRecords (one, without batching), stopping at a task. */
  private takeBatch(): PendingCall[] {
    let taken = 0;
    let records = 0;
    for (const next of this.queue) {
      if (next.kind !== "call") break;
      if (taken > 0 && (!this.batching || records + next.records.length > this.maxBatchRecords)) break;
      taken++;
      records += next.records.length;
    }
    this.queuedRecords -= records;
    // One splice per batch: shifting call by call costs a copy of the whole queue each time.
    return this.queue.splice(0, taken) as PendingCall[];
  }

  /** commitWithIsolation commits a batch; if it fails, each call is tried alone so one bad call fails alone. */
  private async commitWithIsolation(batch: PendingCall[]): Promise<void> {
    try {
      await this.commit(batch);
      return;
    } catch (err) {
      if (batch.length === 1) {
        this.fail(batch[0]!, err);
        return;
      }
    }
    for (const call of batch) {
      try {
        await this.commit([call]);
      } catch (err) {
        this.fail(call, err);
      }
    }
  }

  private fail(call: PendingCall, err: unknown): void {
    this.counters.callsFailed++;
    call.reject(err);
  }

  private async loadDevices(deviceIds: string[]): Promise<void> {
    const unknown = this.tracker.unknown(deviceIds);
    if (unknown.length === 0) return;
    const now = this.now();
    this.tracker.load(await this.repo.latestIntervals(now - this.graceMs, unknown), now, unknown);
  }

  private async commit(batch: PendingCall[]): Promise<void> {
    const heartbeats: HeartbeatRow[] = [];
    const metrics: MetricsRow[] = [];
    const heartbeatCall: number[] = [];
    const metricsCall: number[] = [];
    batch.forEach((call, i) => {
      for (const r of call.records) {
        const at = Date.parse(r.at);
        if (r.kind === "heartbeat") {
          heartbeats.push({
            deviceId: call.deviceId,
            seq: r.seq,
            at,
            receivedAt: call.receivedAt,
            paused: r.paused,
            tailscaleState: r.tailscale.state,
            tailscaleIp: r.tailscale.ip,
            kubeletState: r.kubelet.state,
            agentVersion: r.agentVersion,
          });
          heartbeatCall.push(i);
        } else {
          metrics.push({
            deviceId: call.deviceId,
            seq: r.seq,
            at,
            receivedAt: call.receivedAt,
            cpuPercent: r.cpuPercent,
            memoryUsedBytes: r.memoryUsedBytes,
            memoryTotalBytes: r.memoryTotalBytes,
            gpus: r.gpus,
            pods: r.pods,
          });
          metricsCall.push(i);
        }
      }
    });
    if (heartbeats.length > 0) await this.loadDevices(heartbeats.map((h) => h.deviceId));

    const began = performance.now();
    const { plan, createdIds, heartbeatNew, metricsNew } = await this.repo.write(async (w) => {
      const [heartbeatNew, metricsNew] = await Promise.all([w.insertHeartbeats(heartbeats), w.insertMetrics(metrics)]);
      const arrived: ArrivedHeartbeat[] = [];
      heartbeats.forEach((h, i) => {
        if (heartbeatNew[i]) arrived.push({ deviceId: h.deviceId, seq: h.seq, receivedAt: h.receivedAt, paused: h.paused });
      });
      // A device's latest word on pausing is its highest seq, whatever order its records came in.
      arrived.sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq);
      const plan = this.tracker.plan(arrived);
      const [createdIds] = await Promise.all([w.createIntervals(plan.create), w.extendIntervals(plan.extend)]);
      return { plan, createdIds, heartbeatNew, metricsNew };
    });
    const committed = performance.now();
    this.commitLatency.observe(committed - began);

    const changes = this.tracker.apply(plan, createdIds);
    const outcomes: CallOutcome[] = batch.map((call) => ({ call, result: { stored: 0, duplicates: 0 } }));
    const c = this.counters;
    const tally = (isNew: boolean[], owner: number[]): number => {
      let stored = 0;
      isNew.forEach((n, i) => {
        const r = outcomes[owner[i]!]!.result;
        if (n) r.stored++;
        else r.duplicates++;
        if (n) stored++;
      });
      c.duplicates += isNew.length - stored;
      return stored;
    };
    c.heartbeatsStored += tally(heartbeatNew, heartbeatCall);
    c.metricsStored += tally(metricsNew, metricsCall);
    c.batchesCommitted++;
    c.callsCommitted += batch.length;
    c.recordsInBatches += heartbeats.length + metrics.length;

    // A device's "online" is handled before its ingest answers, so the answer can carry the new state;
    // the next batch does not wait for it.
    const announced = new Map<string, Promise<void>>();
    for (const change of changes) announced.set(change.deviceId, this.announce(change));
    for (const { call, result } of outcomes) {
      const pending = announced.get(call.deviceId);
      const answer = () => {
        this.ingestLatency.observe(performance.now() - call.queuedAt);
        call.resolve(result);
      };
      if (pending) void pending.then(answer);
      else answer();
    }
  }

  /** announce delivers a presence change after the device's earlier ones; it never rejects. */
  private announce(change: PresenceChange): Promise<void> {
    const listener = this.o.onPresence;
    if (!listener) return Promise.resolve();
    const previous = this.presenceChains.get(change.deviceId) ?? Promise.resolve();
    const next = previous
      .then(() => listener(change))
      .catch((err) => this.reportError(err, `presence ${change.presence} of device ${change.deviceId}`));
    this.presenceChains.set(change.deviceId, next);
    void next.then(() => {
      if (this.presenceChains.get(change.deviceId) === next) this.presenceChains.delete(change.deviceId);
    });
    return next;
  }

  private reportError(err: unknown, context: string): void {
    if (this.o.onError) this.o.onError(err, context);
    else console.error(`telemetry: ${context} failed:`, err);
  }
}
