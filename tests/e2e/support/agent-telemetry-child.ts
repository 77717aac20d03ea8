// The agent's real telemetry path (outbox, sender, registry transport with device sessions) in a process of
// its own, for agent-crash.test.ts to SIGKILL while it flushes to a real registry:
//   bun agent-telemetry-child.ts <state dir> <registry url> append   append and flush until killed, printing
//                                                                    "appended <seq>" once each append returned
//   bun agent-telemetry-child.ts <state dir> <registry url> drain    flush until the outbox is empty
import { writeSync } from "node:fs";
import { join } from "node:path";
import { createDeviceRegistryClient } from "../../../protocol/index.ts";
import { loadOrCreateDeviceKey } from "../../../agent/state/device-key.ts";
import { Outbox } from "../../../agent/telemetry/outbox.ts";
import { registryTransport } from "../../../agent/telemetry/registry-transport.ts";
import { TelemetrySender } from "../../../agent/telemetry/sender.ts";

const [stateDir, url, mode] = process.argv.slice(2) as [string, string, string];
const { key } = await loadOrCreateDeviceKey(join(stateDir, "device-key.json"));
const outbox = Outbox.open(join(stateDir, "telemetry-outbox"));
const sender = new TelemetrySender({ outbox, transport: registryTransport(createDeviceRegistryClient(url, key)), drainGapMs: 0, backoffInitialMs: 20, backoffMaxMs: 200 });
sender.start();
// Straight to the fd: a line still buffered in the process when the kill comes would be lost.
const say = (line: string) => writeSync(1, line + "\n");

if (mode === "drain") {
  while (outbox.stats().queued > 0) {
    sender.flushNow();
    await Bun.sleep(5);
  }
  await sender.stop();
  say("drained");
  process.exit(0);
}

const giveUpAt = Date.now() + 20_000;
for (let i = 1; Date.now() < giveUpAt; i++) {
  const record = outbox.append({ kind: "heartbeat", at: new Date().toISOString(), paused: false, tailscale: { state: "absent", ip: null }, kubelet: { state: "absent" }, agentVersion: `${process.pid}-${i}` });
  say(`appended ${record.seq}`);
  sender.flushNow();
  await Bun.sleep(1);
}
process.exit(1);
