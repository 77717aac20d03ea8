// The agent is killed with SIGKILL while its outbox flushes to a real registry, again and again; after a
// restart that drains the outbox, the registry holds every record the agent appended, each once, with no
// gap in the seqs, and its own counters say every record was stored once (resends count as duplicates).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeviceRegistryClient } from "../../protocol/index.ts";
import { loadOrCreateDeviceKey } from "../../agent/state/device-key.ts";
import { checkInBody } from "../../registry/devices/testing.ts";
import { openStore } from "../../registry/store/open-store.ts";
import { signInOwner } from "../support/owner-wallet.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

// The agent's own crash child (outbox, sender, registry transport), given the device key so it talks to the registry.
const CHILD = join(import.meta.dir, "..", "..", "agent", "telemetry", "testing", "outbox-crash-child.ts");
const stateDir = mkdtempSync(join(tmpdir(), "akash-home-agent-crash-"));
let registry: RegistryProcess;
afterAll(async () => {
  await registry?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function run(mode: "append" | "drain") {
  return Bun.spawn([process.execPath, CHILD, join(stateDir, "telemetry-outbox"), registry.url, mode, join(stateDir, "device-key.json")], { stdout: "pipe", stderr: "pipe" });
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1] ?? NaN);

test("SIGKILL mid-flush: nothing lost, nothing counted twice", async () => {
  registry = await startRegistryProcess({ flags: ["--ip-rate", "0", "--device-rate", "0"] });
  const owner = await signInOwner(registry.url);
  const { key } = await loadOrCreateDeviceKey(join(stateDir, "device-key.json"));
  await createDeviceRegistryClient(registry.url, key).checkIn(checkInBody({ claimCode: await owner.claimCode(), machine: "crash-agent" }));

  const appended: number[] = [];
  for (let round = 0; round < 6; round++) {
    const child = run("append");
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const killAfter = 20 + round * 17;
    let seen = 0;
    let buffered = "";
    while (seen < killAfter) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^appended (\d+)$/.exec(line);
        if (m) {
          appended.push(Number(m[1]));
          seen++;
        }
      }
    }
    child.kill("SIGKILL");
    await child.exited;
  }
  const drain = run("drain");
  expect(await new Response(drain.stdout).text()).toContain("drained");

  const store = await openStore(`sqlite:${join(registry.dir, "state", "registry.db")}`);
  const rows = await store.driver.query<{ seq: number }>("SELECT seq FROM heartbeats WHERE device_id = $1", [key.id]);
  await store.driver.close();
  const stored = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  // Every append the agent reported is there, and the seqs run without a gap (records appended but not yet
  // reported when a kill came arrived too).
  expect(appended.filter((s) => !stored.includes(s))).toEqual([]);
  expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
  // The registry counted each record once; what was resent after a kill shows as duplicates.
  const metrics = await (await fetch(`${registry.url}/metrics`)).text();
  expect(metric(metrics, "akash_home_telemetry_records_total")).toBe(stored.length);
  console.log(`agent crash: ${appended.length} appends reported over 6 kills, ${stored.length} stored, ${metric(metrics, "akash_home_telemetry_duplicates_total")} resends counted as duplicates`);
}, 90_000);
