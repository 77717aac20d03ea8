import type { TelemetryRecord } from "../../protocol/telemetry.ts";
import type { HeartbeatDraft, MetricsDraft } from "./collector.ts";
import type { TelemetryDraft } from "./outbox.ts";
import { systemClock, type Clock, type TelemetryLog } from "./sender.ts";

export interface TelemetryLoopOptions {
  collector: { heartbeat(): Promise<HeartbeatDraft>; metrics(): Promise<MetricsDraft>; primeCpu?(): Promise<void> };
  outbox: { append(draft: TelemetryDraft): TelemetryRecord };
  sender: { heartbeatIntervalMs(): number; flushNow(): void };
  /** Metrics go out at most this often; heartbeats at the registry's interval. */
  metricsEveryMs?: number;
  clock?: Clock;
  log?: TelemetryLog;
}

/**
 * TelemetryLoop queues a heartbeat every interval the registry asked for (and a metrics record every
 * minute) and asks the sender to deliver them. Queuing goes on while the registry is unreachable: the
 * outbox keeps the records, and drops the oldest when full.
 */
export class TelemetryLoop {
  private readonly metricsEveryMs: number;
  private readonly clock: Clock;
  private readonly log: TelemetryLog;
  private lastMetricsAt = -Infinity;
  private failing = false;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake = new AbortController();

  constructor(private readonly opts: TelemetryLoopOptions) {
    this.metricsEveryMs = opts.metricsEveryMs ?? 60_000;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => {});
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.wake = new AbortController();
    this.loop = this.run();
  }

  /** stop ends the loop once a tick in progress has queued its records. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.loop;
    this.loop = null;
  }

  /** tick queues one heartbeat, and metrics when due; never throws. */
  async tick(): Promise<void> {
    try {
      this.opts.outbox.append(await this.opts.collector.heartbeat());
      const now = this.clock.now();
      if (now - this.lastMetricsAt >= this.metricsEveryMs) {
        this.opts.outbox.append(await this.opts.collector.metrics());
        this.lastMetricsAt = now;
      }
      if (this.failing) this.log("telemetry queued again");
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log("cannot queue telemetry", { error: (err as Error)?.message ?? String(err) });
      this.failing = true;
    }
    this.opts.sender.flushNow();
  }

  private async run(): Promise<void> {
    // The first metrics record then measures CPU over its first minute rather than since boot.
    await this.opts.collector.primeCpu?.().catch(() => {});
    this.lastMetricsAt = this.clock.now();
    while (!this.stopping) {
      await this.tick();
      if (this.stopping) break;
      await this.clock.sleep(this.opts.sender.heartbeatIntervalMs(), this.wake.signal);
    }
  }
}
