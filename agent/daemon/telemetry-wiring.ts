import { existsSync } from "node:fs";
import { join } from "node:path";
import { createDeviceRegistryClient, type AgentStatus, type DeviceSigner, type DeviceState } from "../../protocol/index.ts";
import { STATE_FILES } from "../config/paths.ts";
import type { Log } from "./logger.ts";

// Telemetry runs once the device has checked in: outbox, sender and loop are loaded then, not at start,
// so an agent that nobody has set up keeps its small footprint.

export interface TelemetryWiring {
  /** startFor begins (or redirects) telemetry to the registry the device checked in with. */
  startFor(registryUrl: string): void;
  status(): AgentStatus["telemetry"];
  stop(): Promise<void>;
}

export interface TelemetryWiringOptions {
  stateDir: string;
  key: DeviceSigner;
  /** Whether the key file was already there before this start (a missing outbox then means it was lost). */
  keyExisted: boolean;
  agentVersion: string;
  paused: () => boolean;
  hasNvidiaGpu: () => boolean;
  onRegistryState: (state: DeviceState) => void;
  notice: (event: string, problem: string) => void;
  log: Log;
}

export function telemetryWiring(o: TelemetryWiringOptions): TelemetryWiring {
  let running: { url: string; stop: () => Promise<void>; status: () => AgentStatus["telemetry"] } | null = null;
  let starting: Promise<void> = Promise.resolve();

  async function start(url: string): Promise<void> {
    if (running?.url === url) return;
    if (running) await running.stop();
    const [{ Outbox, seqAfterLoss }, { TelemetrySender }, { TelemetryCollector }, { TelemetryLoop }, { registryTransport }] = await Promise.all([
      import("../telemetry/outbox.ts"),
      import("../telemetry/sender.ts"),
      import("../telemetry/collector.ts"),
      import("../telemetry/telemetry-loop.ts"),
      import("../telemetry/registry-transport.ts"),
    ]);
    const dir = join(o.stateDir, STATE_FILES.telemetryOutbox);
    // A key that outlived its outbox must not start numbering at 1 again: the registry would take the new
    // records for ones it already has.
    const outbox = Outbox.open(dir, { seqFloor: o.keyExisted && !existsSync(dir) ? seqAfterLoss(Date.now()) : undefined });
    for (const p of outbox.problems) o.notice("telemetry outbox repaired", p);
    const sender = new TelemetrySender({
      outbox,
      transport: registryTransport(createDeviceRegistryClient(url, o.key, 30_000)),
      log: o.log,
      onAck: (ack) => o.onRegistryState(ack.state),
    });
    const collector = new TelemetryCollector({ agentVersion: o.agentVersion, paused: o.paused, hasNvidiaGpu: o.hasNvidiaGpu() });
    const loop = new TelemetryLoop({ collector, outbox, sender, log: o.log });
    sender.start();
    loop.start();
    o.log("telemetry started", { registry: url });
    running = {
      url,
      async stop() {
        await loop.stop();
        await sender.stop();
        outbox.close();
      },
      status() {
        const s = sender.status();
        return { queued: s.queued, dropped: s.dropped, lastSentAt: s.lastSentAt, lastError: s.lastError };
      },
    };
  }

  return {
    startFor(url) {
      starting = starting.then(() => start(url)).catch((err) => o.log("telemetry failed to start", { error: String((err as Error)?.message ?? err) }));
    },
    status: () => running?.status() ?? null,
    async stop() {
      await starting;
      await running?.stop();
      running = null;
    },
  };
}
