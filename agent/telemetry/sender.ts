import type { DeviceState } from "../../protocol/device-state.ts";
import { TELEMETRY_BATCH_MAX, type TelemetryAck, type TelemetryBatch, type TelemetryRecord } from "../../protocol/telemetry.ts";
import type { OutboxStats } from "./outbox.ts";

/**
 * TelemetryRejected: the registry refused the batch (400 or 422: invalid; 413: too large). Sending it again
 * would fail again: the sender discards an invalid batch, counted, and splits one that is too large.
 */
export class TelemetryRejected extends Error {
  override name = "TelemetryRejected";
  constructor(
    message: string,
    readonly status: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * TelemetryUnavailable: the batch could not be delivered now (network error, 5xx, 429, session or
 * signature trouble). The records stay queued and the sender backs off.
 */
export class TelemetryUnavailable extends Error {
  override name = "TelemetryUnavailable";
  constructor(
    message: string,
    /** What the registry asked for (Retry-After), if it said. */
    readonly retryAfterMs: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** TelemetryTransport delivers one batch to the registry; it resolves only once the registry stored it. */
export interface TelemetryTransport {
  /** Throws TelemetryRejected or TelemetryUnavailable; anything else is treated as TelemetryUnavailable. */
  send(batch: TelemetryBatch): Promise<TelemetryAck>;
}

/** telemetryErrorForStatus is the error a transport throws for a non-2xx answer of the ingest endpoint. */
export function telemetryErrorForStatus(status: number, message: string, retryAfterMs: number | null = null): TelemetryRejected | TelemetryUnavailable {
  return status === 400 || status === 413 || status === 422 ? new TelemetryRejected(message, status) : new TelemetryUnavailable(message, retryAfterMs);
}

/** SenderOutbox is the part of Outbox the sender uses. */
export interface SenderOutbox {
  peek(max: number): TelemetryRecord[];
  ack(throughSeq: number): number;
  reject(throughSeq: number): number;
  stats(): OutboxStats;
}

/** Clock is time and waiting; tests pass one that does not wait. */
export interface Clock {
  now(): number;
  /** Resolves after ms, or as soon as wake is aborted. */
  sleep(ms: number, wake: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, wake) =>
    new Promise<void>((resolve) => {
      if (wake.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.addEventListener("abort", done);
    }),
};

export type TelemetryLog = (event: string, fields?: Record<string, unknown>) => void;

export interface TelemetrySenderStatus {
  queued: number;
  /** Records the outbox dropped, oldest first, while it was full. */
  dropped: number;
  /** Records the registry refused as invalid; discarded. */
  rejected: number;
  oldestQueuedAt: string | null;
  lastSentAt: string | null;
  /** Why the last attempt failed; null once a batch got through again. */
  lastError: string | null;
  /** Attempts that failed in a row; 0 when the last one got through. */
  failures: number;
  nextAttemptAt: string | null;
  /** The registry's decision about this device, from its last answer; null before the first. */
  registryState: DeviceState | null;
  heartbeatIntervalS: number;
}

export interface TelemetrySenderOptions {
  outbox: SenderOutbox;
  transport: TelemetryTransport;
  /** Called with every answer of the registry, so the daemon learns of approval, removal or a new interval. */
  onAck?: (ack: TelemetryAck) => void;
  log?: TelemetryLog;
  clock?: Clock;
  /** In [0, 1); tests pin it. */
  random?: () => number;
  batchMax?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Pause between batches while draining a backlog, so a fleet coming back after an outage eases in. */
  drainGapMs?: number;
  /** Until the registry says otherwise. */
  heartbeatIntervalS?: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_S = 15;
// A registry answer outside this range is a bug there; it must not make the agent spin or go silent.
const MIN_INTERVAL_S = 5;
const MAX_INTERVAL_S = 3600;

/**
 * TelemetrySender drains the outbox to the registry in batches of at most 500, oldest first. It acks
 * exactly the records the registry confirmed, so a crash between send and ack only sends them again (the
 * registry keeps each (device, seq) once). While the registry is unreachable it keeps the records and backs
 * off exponentially with jitter, 1 s up to 5 min. A batch the registry refuses as invalid is discarded and
 * counted, so one bad record cannot block the queue; one refused as too large is sent in halves.
 */
export class TelemetrySender {
  private readonly outbox: SenderOutbox;
  private readonly transport: TelemetryTransport;
  private readonly onAck: (ack: TelemetryAck) => void;
  private readonly log: TelemetryLog;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly batchMax: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly drainGapMs: number;
  private batchLimit: number;
  private failures = 0;
  private refusalLogged = false;
  private lastSentAt: number | null = null;
  private lastError: string | null = null;
  private nextAttemptAt: number | null = null;
  private registryState: DeviceState | null = null;
  private intervalS: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake = new AbortController();

  constructor(opts: TelemetrySenderOptions) {
    this.outbox = opts.outbox;
    this.transport = opts.transport;
    this.onAck = opts.onAck ?? (() => {});
    this.log = opts.log ?? (() => {});
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.batchMax = Math.max(1, Math.min(TELEMETRY_BATCH_MAX, opts.batchMax ?? TELEMETRY_BATCH_MAX));
    this.batchLimit = this.batchMax;
    this.backoffInitialMs = opts.backoffInitialMs ?? 1000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 5 * 60_000;
    this.drainGapMs = opts.drainGapMs ?? 250;
    this.intervalS = clampInterval(opts.heartbeatIntervalS ?? DEFAULT_HEARTBEAT_INTERVAL_S);
  }

  /** start runs the send loop in the background until stop(). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** stop ends the loop; it resolves once a send in flight has finished and its records are acked. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.loop;
    this.loop = null;
  }

  /** flushNow sends what is queued without waiting for the next interval, unless the sender is backing off. */
  flushNow(): void {
    if (this.failures === 0) this.wake.abort();
  }

  /** The interval the registry asked for, in ms; the telemetry loop collects at this pace. */
  heartbeatIntervalMs(): number {
    return this.intervalS * 1000;
  }

  status(): TelemetrySenderStatus {
    const stats = this.outbox.stats();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      queued: stats.queued,
      dropped: stats.dropped,
      rejected: stats.rejected,
      oldestQueuedAt: stats.oldestAt,
      lastSentAt: iso(this.lastSentAt),
      lastError: this.lastError,
      failures: this.failures,
      nextAttemptAt: iso(this.nextAttemptAt),
      registryState: this.registryState,
      heartbeatIntervalS: this.intervalS,
    };
  }

  /** flushOnce makes one attempt to send the oldest batch; it returns how long to wait before the next. */
  async flushOnce(): Promise<number> {
    let records: TelemetryRecord[];
    try {
      records = this.outbox.peek(this.batchLimit);
    } catch (err) {
      return this.unavailable(`cannot read the telemetry outbox: ${(err as Error).message}`, null);
    }
    if (records.length === 0) return this.heartbeatIntervalMs();
    const throughSeq = records[records.length - 1]!.seq;
    let ack: TelemetryAck;
    try {
      ack = await this.transport.send({ records });
    } catch (err) {
      if (err instanceof TelemetryRejected) return this.refused(records, err);
      const retryAfter = err instanceof TelemetryUnavailable ? err.retryAfterMs : null;
      return this.unavailable((err as Error)?.message ?? String(err), retryAfter);
    }
    try {
      this.outbox.ack(throughSeq);
    } catch (err) {
      // The registry has the records; they will be sent again and it keeps them once.
      return this.unavailable(`cannot record the registry's acknowledgement: ${(err as Error).message}`, null);
    }
    if (this.failures > 0) this.log("telemetry delivered again", { afterFailures: this.failures });
    this.failures = 0;
    this.refusalLogged = false;
    this.lastSentAt = this.clock.now();
    this.lastError = null;
    if (ack.state !== this.registryState) this.log("registry state", { state: ack.state });
    this.registryState = ack.state;
    this.intervalS = clampInterval(ack.heartbeatIntervalS);
    try {
      this.onAck(ack);
    } catch (err) {
      this.log("telemetry ack handler failed", { error: (err as Error)?.message ?? String(err) });
    }
    return this.outbox.stats().queued > 0 ? this.drainGapMs : this.heartbeatIntervalMs();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let waitMs: number;
      try {
        waitMs = await this.flushOnce();
      } catch (err) {
        // Not expected (flushOnce handles what it knows of), but the loop must outlive a surprise.
        waitMs = this.unavailable((err as Error)?.message ?? String(err), null);
      }
      if (this.stopping) break;
      // A flushNow that came while a failing send was in flight must not cut the backoff short.
      if (this.failures > 0 || this.wake.signal.aborted) this.wake = new AbortController();
      this.nextAttemptAt = this.clock.now() + waitMs;
      await this.clock.sleep(waitMs, this.wake.signal);
      this.nextAttemptAt = null;
    }
  }

  private unavailable(reason: string, retryAfterMs: number | null): number {
    this.failures++;
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(this.failures - 1, 30));
    // Half fixed, half random: devices that lost the registry together do not come back in step.
    let delay = ceiling / 2 + (this.random() * ceiling) / 2;
    if (retryAfterMs !== null && retryAfterMs > delay) delay = Math.min(retryAfterMs, this.backoffMaxMs);
    this.lastError = reason;
    if (this.failures === 1) this.log("telemetry not delivered; keeping it and retrying", { error: reason, retryInS: Math.round(delay / 100) / 10 });
    return delay;
  }

  private refused(records: TelemetryRecord[], err: TelemetryRejected): number {
    this.lastError = `the registry refused telemetry: ${err.message}`;
    // Too large for the registry or a proxy in front of it: smaller batches will do, and stay smaller.
    if (err.status === 413 && records.length > 1) {
      this.batchLimit = Math.ceil(records.length / 2);
      return this.drainGapMs;
    }
    // Every record was checked against the protocol when it was queued, so a refusal means the registry
    // reads it differently (another version, a bug there): narrowing it down would cost a request per record
    // and change nothing. The batch goes, counted, and the queue moves on.
    const throughSeq = records[records.length - 1]!.seq;
    let discarded: number;
    try {
      discarded = this.outbox.reject(throughSeq);
    } catch (e) {
      return this.unavailable(`cannot discard refused telemetry: ${(e as Error).message}`, null);
    }
    if (!this.refusalLogged) this.log("telemetry refused by the registry; discarded the batch", { records: discarded, throughSeq, status: err.status, error: err.message });
    this.refusalLogged = true;
    return this.drainGapMs;
  }
}

function clampInterval(seconds: number): number {
  if (!Number.isFinite(seconds)) return DEFAULT_HEARTBEAT_INTERVAL_S;
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, seconds));
}
