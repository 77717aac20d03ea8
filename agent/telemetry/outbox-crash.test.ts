// The agent is SIGKILLed while it flushes its outbox, again and again; after a restart that drains it,
// the registry has every record the agent had appended, each seq always with the same record, and the only
// duplicates are records that were in flight when a kill came.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelemetryBatch } from "../../protocol/telemetry.ts";

const CHILD = join(import.meta.dir, "testing", "outbox-crash-child.ts");
const root = mkdtempSync(join(tmpdir(), "akash-home-outbox-crash-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Arrival {
  request: number;
  /** The request that drew the kill, or one that arrived after the kill was decided in that round. */
  nearKill: boolean;
}

test("a SIGKILL mid-flush loses nothing and duplicates only what was in flight", async () => {
  const outboxDir = join(root, "outbox");
  const arrivals = new Map<number, Arrival[]>();
  const content = new Map<number, string>();
  const reused: number[] = [];
  let requests = 0;

  // Each round kills the child at one request: before the registry stored the batch (it must come again),
  // after storing it but before answering (it will come again), or just after answering, with the child
  // perhaps in the middle of acknowledging it.
  const rounds = [
    { killAt: 4, when: "unstored" },
    { killAt: 7, when: "answered", delayMs: 0 },
    { killAt: 10, when: "stored" },
    { killAt: 5, when: "answered", delayMs: 2 },
    { killAt: 12, when: "unstored" },
    { killAt: 3, when: "stored" },
    { killAt: 8, when: "answered", delayMs: 1 },
  ] as const;
  interface Round {
    killAt: number;
    when: "unstored" | "stored" | "answered";
    delayMs?: number;
    requests: number;
    killDecided: boolean;
    child: ReturnType<typeof spawnChild>;
  }
  // By the child's pid: a request a child sent just before it died may be handled after the next one started.
  const roundOf = new Map<number, Round>();

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const current = roundOf.get(Number(req.headers.get("x-child-pid"))) ?? null;
      const batch = (await req.json()) as TelemetryBatch;
      // A registry that takes a few ms lets records pile up, so batches carry more than one.
      await Bun.sleep(3);
      const id = ++requests;
      const killNow = current !== null && !current.killDecided && ++current.requests === current.killAt;
      if (killNow) current.killDecided = true;
      const nearKill = current?.killDecided ?? false;
      const kill = async () => {
        current?.child.proc.kill("SIGKILL");
        await current?.child.proc.exited;
      };
      if (killNow && current.when === "unstored") {
        await kill();
        return new Response("the registry went away", { status: 503 });
      }
      let duplicates = 0;
      for (const r of batch.records) {
        const seen = arrivals.get(r.seq);
        const text = JSON.stringify(r);
        if (seen) {
          duplicates++;
          if (content.get(r.seq) !== text) reused.push(r.seq);
          seen.push({ request: id, nearKill });
        } else {
          arrivals.set(r.seq, [{ request: id, nearKill }]);
          content.set(r.seq, text);
        }
      }
      const ack = Response.json({ stored: batch.records.length - duplicates, duplicates, state: "online", heartbeatIntervalS: 15 });
      if (killNow && current.when === "stored") await kill();
      if (killNow && current.when === "answered") setTimeout(kill, current.delayMs ?? 0);
      return ack;
    },
  });
  const url = `http://127.0.0.1:${server.port}/api/v1/telemetry`;

  function spawnChild(mode: "append" | "drain") {
    const proc = Bun.spawn([process.execPath, CHILD, outboxDir, url, mode], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const stdout = new Response(proc.stdout).text();
    const stderr = new Response(proc.stderr).text();
    return { proc, stdout, stderr };
  }

  const appended = new Set<number>();
  try {
    for (const r of rounds) {
      const child = spawnChild("append");
      roundOf.set(child.proc.pid, { ...r, requests: 0, killDecided: false, child });
      const code = await child.proc.exited;
      const [out, err] = await Promise.all([child.stdout, child.stderr]);
      expect({ signal: child.proc.signalCode, err: code === 0 ? "" : err.slice(0, 500) }).toMatchObject({ signal: "SIGKILL" });
      for (const m of out.matchAll(/^appended (\d+)$/gm)) appended.add(Number(m[1]));
    }
    const drain = spawnChild("drain");
    const code = await drain.proc.exited;
    expect({ code, out: await drain.stdout, err: (await drain.stderr).slice(0, 500) }).toEqual({ code: 0, out: "drained\n", err: "" });
  } finally {
    for (const r of roundOf.values()) r.child.proc.kill("SIGKILL");
    server.stop(true);
  }

  const received = [...arrivals.keys()].sort((a, b) => a - b);
  // Every record the agent confirmed as appended reached the registry…
  expect([...appended].filter((seq) => !arrivals.has(seq))).toEqual([]);
  expect(appended.size).toBeGreaterThan(rounds.length * 3);
  // …and so did every record it wrote but was killed before confirming: seqs run 1..n without a hole.
  expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
  // No seq ever stood for two different records.
  expect(reused).toEqual([]);
  // Duplicates happen, and only for records first sent in a request the kill interrupted.
  const duplicated = received.filter((seq) => arrivals.get(seq)!.length > 1);

  expect(duplicated.length).toBeGreaterThan(0);
  expect(duplicated.filter((seq) => !arrivals.get(seq)![0]!.nearKill)).toEqual([]);
}, 30_000);
