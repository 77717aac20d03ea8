// The agent's telemetry path in a process of its own, for the crash tests to SIGKILL mid-flush:
//   bun outbox-crash-child.ts <outbox dir> <url> append [key file]   appends and flushes until killed, printing
//                                                                    "appended <seq>" once each append returned
//   bun outbox-crash-child.ts <outbox dir> <url> drain [key file]    flushes until the outbox is empty, then
//                                                                    prints "drained" and exits
// Without a key file <url> is a test server taking the batches as they are (outbox-crash.test.ts); with the
// device key file <url> is a real registry, reached as the agent reaches it: a device session obtained by a
// signed request (tests/e2e/agent-crash.test.ts).
import { writeSync } from "node:fs";
import type { TelemetryAck, TelemetryBatch } from "../../../protocol/telemetry.ts";
import { createDeviceRegistryClient } from "../../../protocol/device-client.ts";
import { loadOrCreateDeviceKey } from "../../state/device-key.ts";
import { Outbox } from "../outbox.ts";
import { registryTransport } from "../registry-transport.ts";
import { TelemetrySender, TelemetryUnavailable, telemetryErrorForStatus, type TelemetryTransport } from "../sender.ts";

const [dir, url, mode, keyFile] = process.argv.slice(2);
if (!dir || !url || (mode !== "append" && mode !== "drain")) {
  process.stderr.write("usage: outbox-crash-child.ts <outbox dir> <ingest url> append|drain\n");
  process.exit(2);
}

const rawTransport: TelemetryTransport = {
  async send(batch: TelemetryBatch): Promise<TelemetryAck> {
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-child-pid": String(process.pid) }, body: JSON.stringify(batch) });
    } catch (err) {
      throw new TelemetryUnavailable((err as Error).message);
    }
    if (!res.ok) throw telemetryErrorForStatus(res.status, await res.text());
    return (await res.json()) as TelemetryAck;
  },
};

const transport = keyFile ? registryTransport(createDeviceRegistryClient(url, (await loadOrCreateDeviceKey(keyFile)).key)) : rawTransport;
const outbox = Outbox.open(dir);
const sender = new TelemetrySender({ outbox, transport, drainGapMs: 0, backoffInitialMs: 20, backoffMaxMs: 200 });
sender.start();
// Written straight to the fd: a line buffered in the process when the kill comes would be lost.
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

// The test kills this long before; the limit only keeps a stray child from running on.
const giveUpAt = Date.now() + 20_000;
for (let i = 1; Date.now() < giveUpAt; i++) {
  const record = outbox.append({
    kind: "heartbeat",
    at: new Date().toISOString(),
    paused: false,
    tailscale: { state: "absent", ip: null },
    kubelet: { state: "absent" },
    // Unique per append, so a seq handed out twice would show as two different records.
    agentVersion: `${process.pid}-${i}`,
  });
  say(`appended ${record.seq}`);
  sender.flushNow();
  await Bun.sleep(1);
}
process.exit(1);
