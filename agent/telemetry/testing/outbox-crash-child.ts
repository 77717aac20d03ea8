// The agent's telemetry path in a process of its own, for crash-test.test.ts to SIGKILL mid-flush:
//   bun outbox-crash-child.ts <outbox dir> <ingest url> append   appends and flushes until killed, printing
//                                                                "appended <seq>" once each append returned
//   bun outbox-crash-child.ts <outbox dir> <ingest url> drain    flushes until the outbox is empty, then
//                                                                prints "drained" and exits
import { writeSync } from "node:fs";
import type { TelemetryAck, TelemetryBatch } from "../../../protocol/telemetry.ts";
import { Outbox } from "../outbox.ts";
import { TelemetrySender, TelemetryUnavailable, telemetryErrorForStatus, type TelemetryTransport } from "../sender.ts";

const [dir, url, mode] = process.argv.slice(2);
if (!dir || !url || (mode !== "append" && mode !== "drain")) {
  process.stderr.write("usage: outbox-crash-child.ts <outbox dir> <ingest url> append|drain\n");
  process.exit(2);
}

const transport: TelemetryTransport = {
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
