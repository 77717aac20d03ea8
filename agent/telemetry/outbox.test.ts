import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outbox, seqAfterLoss, type TelemetryDraft } from "./outbox.ts";

let root: string;
let dir: string;
const opened: Outbox[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "akash-home-outbox-"));
  dir = join(root, "outbox");
});
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  rmSync(root, { recursive: true, force: true });
});

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
function open(options: Parameters<typeof Outbox.open>[1] = {}): Outbox {
  const o = Outbox.open(dir, { now: () => NOW, ...options });
  opened.push(o);
  return o;
}
function reopen(o: Outbox, options: Parameters<typeof Outbox.open>[1] = {}): Outbox {
  o.close();
  return open(options);
}

let n = 0;
function heartbeat(): TelemetryDraft {
  n++;
  return {
    kind: "heartbeat",
    at: new Date(NOW + n * 1000).toISOString(),
    paused: false,
    tailscale: { state: "running", ip: "100.64.0.1" },
    kubelet: { state: "running" },
    agentVersion: `test-${n}`,
  };
}
const seqs = (o: Outbox, max = 1000) => o.peek(max).map((r) => r.seq);
const segmentFiles = () => readdirSync(dir).filter((f) => f.startsWith("segment-"));
const mode = (p: string) => statSync(p).mode & 0o777;

describe("numbering", () => {
  test("records are numbered 1, 2, 3 and each comes back as appended", () => {
    const o = open();
    const a = o.append(heartbeat());
    const b = o.append({ kind: "metrics", at: new Date(NOW).toISOString(), cpuPercent: 12.5, memoryUsedBytes: 1, memoryTotalBytes: 2, gpus: [], pods: 0 });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(o.peek(10)).toEqual([a, b]);
    expect(o.stats()).toMatchObject({ queued: 2, nextSeq: 3, dropped: 0, oldestAt: a.at });
  });

  test("numbering continues after a reopen, whether or not anything was acknowledged", () => {
    let o = open();
    for (let i = 0; i < 3; i++) o.append(heartbeat());
    o = reopen(o);
    expect(o.append(heartbeat()).seq).toBe(4);
    o.ack(4);
    o = reopen(o);
    expect(o.append(heartbeat()).seq).toBe(5);
    expect(seqs(o)).toEqual([5]);
  });

  test("after a crash that left records the cursor does not know of, numbering goes on past them", () => {
    let o = open();
    o.append(heartbeat());
    o.ack(1);
    const cursor = readFileSync(join(dir, "cursor.json"), "utf8");
    o.append(heartbeat());
    o.append(heartbeat());
    // The cursor as it was before those appends, as if the agent died before writing it again.
    writeFileSync(join(dir, "cursor.json"), cursor);
    o = reopen(o);
    expect(seqs(o)).toEqual([2, 3]);
    expect(o.append(heartbeat()).seq).toBe(4);
    expect(o.problems).toEqual([]);
  });

  test("a torn last line from a crash mid-append is ignored, and the next record is whole", () => {
    let o = open();
    o.append(heartbeat());
    o.append(heartbeat());
    const [segment] = segmentFiles();
    appendFileSync(join(dir, segment!), '{"kind":"heartbeat","seq":3,"at":"2026-');
    o = reopen(o);
    expect(seqs(o)).toEqual([1, 2]);
    const next = o.append(heartbeat());
    expect(next.seq).toBe(3);
    o = reopen(o);
    expect(o.peek(10).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(o.peek(10)[2]).toEqual(next);
    expect(o.problems).toEqual([]);
  });

  test("a damaged cursor is set aside and numbering resumes above anything the device could have used", () => {
    let o = open();
    for (let i = 0; i < 3; i++) o.append(heartbeat());
    o.ack(3);
    writeFileSync(join(dir, "cursor.json"), "{ not json");
    o = reopen(o);
    expect(o.problems.join("\n")).toContain("is not valid JSON");
    expect(o.problems.join("\n")).toContain("numbering resumes");
    expect(readdirSync(dir).some((f) => f.startsWith("cursor.json.bad-"))).toBe(true);
    expect(o.append(heartbeat()).seq).toBe(seqAfterLoss(NOW));
  });

  test("a lost cursor (folder kept) is treated the same; a brand-new folder starts at 1", () => {
    let o = open();
    o.append(heartbeat());
    o.ack(1);
    rmSync(join(dir, "cursor.json"));
    o = reopen(o);
    expect(o.append(heartbeat()).seq).toBeGreaterThanOrEqual(seqAfterLoss(NOW));
    rmSync(dir, { recursive: true });
    o = reopen(o);
    expect(o.append(heartbeat()).seq).toBe(1);
  });

  test("a seq floor from the daemon is honoured for a new folder", () => {
    const o = open({ seqFloor: 1000 });
    expect(o.append(heartbeat()).seq).toBe(1000);
  });
});

describe("acknowledging", () => {
  test("ack removes exactly the records through the seq, for good", () => {
    let o = open();
    for (let i = 0; i < 5; i++) o.append(heartbeat());
    expect(o.ack(3)).toBe(3);
    expect(seqs(o)).toEqual([4, 5]);
    expect(o.ack(2)).toBe(0);
    o = reopen(o);
    expect(seqs(o)).toEqual([4, 5]);
    expect(o.stats().queued).toBe(2);
  });

  test("an ack past what was appended cannot swallow later records", () => {
    const o = open();
    o.append(heartbeat());
    o.ack(99);
    const next = o.append(heartbeat());
    expect(next.seq).toBe(2);
    expect(seqs(o)).toEqual([2]);
  });

  test("peek gives the oldest first and at most max, across segment files", () => {
    const o = open({ limits: { segmentRecords: 3 } });
    for (let i = 0; i < 10; i++) o.append(heartbeat());
    expect(segmentFiles().length).toBe(4);
    expect(seqs(o, 4)).toEqual([1, 2, 3, 4]);
    o.ack(2);
    expect(seqs(o, 5)).toEqual([3, 4, 5, 6, 7]);
  });

  test("fully acknowledged segment files are deleted; the disk does not fill up", () => {
    const o = open({ limits: { segmentRecords: 3 } });
    for (let i = 0; i < 9; i++) o.append(heartbeat());
    o.ack(7);
    // The first two files are settled and gone; the third still holds seq 8 and 9.
    expect(segmentFiles()).toEqual(["segment-0000000000000007.jsonl"]);
    o.ack(9);
    for (let i = 0; i < 6; i++) o.append(heartbeat());
    o.ack(15);
    o.append(heartbeat());
    expect(segmentFiles().length).toBe(1);
  });

  test("reject removes records and counts them apart from drops", () => {
    let o = open();
    for (let i = 0; i < 4; i++) o.append(heartbeat());
    expect(o.reject(2)).toBe(2);
    o = reopen(o);
    expect(o.stats()).toMatchObject({ queued: 2, rejected: 2, dropped: 0 });
  });

  test("temp files left by a crash while writing the cursor are cleared at open", () => {
    let o = open();
    o.append(heartbeat());
    writeFileSync(join(dir, ".cursor.json.a1b2c3d4e5f6.tmp"), "{");
    o = reopen(o);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(seqs(o)).toEqual([1]);
  });

  test("files are private to the agent", () => {
    const o = open();
    o.append(heartbeat());
    o.ack(0);
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect(mode(join(dir, f))).toBe(0o600);
  });
});

describe("bounds", () => {
  test("past the record limit the oldest are dropped and counted, across restarts", () => {
    let o = open({ limits: { maxRecords: 5, segmentRecords: 2 } });
    for (let i = 0; i < 8; i++) o.append(heartbeat());
    expect(seqs(o)).toEqual([4, 5, 6, 7, 8]);
    expect(o.stats()).toMatchObject({ queued: 5, dropped: 3 });
    o = reopen(o, { limits: { maxRecords: 5, segmentRecords: 2 } });
    expect(seqs(o)).toEqual([4, 5, 6, 7, 8]);
    expect(o.stats().dropped).toBe(3);
    o.append(heartbeat());
    expect(o.stats()).toMatchObject({ queued: 5, dropped: 4, nextSeq: 10 });
    expect(segmentFiles().length).toBeLessThanOrEqual(4);
  });

  test("past the byte limit the oldest are dropped too", () => {
    let o = open();
    const size = o.append(heartbeat()) && o.stats().queuedBytes;
    o = reopen(o, { limits: { maxBytes: Math.floor(size * 3.5) } });
    for (let i = 0; i < 5; i++) o.append(heartbeat());
    expect(o.stats().queued).toBe(3);
    expect(o.stats().dropped).toBe(3);
    expect(seqs(o)).toEqual([4, 5, 6]);
  });

  test("a smaller limit at reopen trims the backlog", () => {
    let o = open();
    for (let i = 0; i < 10; i++) o.append(heartbeat());
    o = reopen(o, { limits: { maxRecords: 4 } });
    expect(seqs(o)).toEqual([7, 8, 9, 10]);
    expect(o.stats().dropped).toBe(6);
  });
});

describe("damage", () => {
  test("a damaged line inside a segment is skipped and reported; the rest is still sent", () => {
    let o = open();
    for (let i = 0; i < 3; i++) o.append(heartbeat());
    const path = join(dir, segmentFiles()[0]!);
    const lines = readFileSync(path, "utf8").split("\n");
    lines[1] = "garbage";
    writeFileSync(path, lines.join("\n"));
    o = reopen(o);
    expect(seqs(o)).toEqual([1, 3]);
    expect(o.problems.join("\n")).toContain("skipped 1 damaged line");
    expect(o.append(heartbeat()).seq).toBe(4);
  });

  test("a segment of garbage is set aside and does not stop the agent", () => {
    let o = open();
    o.append(heartbeat());
    o.ack(1);
    writeFileSync(join(dir, "segment-0000000000000002.jsonl"), "\u0000\u0000 junk\nmore junk\n");
    o = reopen(o);
    expect(o.problems.join("\n")).toContain("held no readable telemetry");
    expect(readdirSync(dir).some((f) => /^segment-0000000000000002\.jsonl\.bad-/.test(f))).toBe(true);
    expect(o.append(heartbeat()).seq).toBe(2);
    expect(seqs(o)).toEqual([2]);
  });

  test("a record that cannot be read back at send time is dropped and counted, not sent wrong", () => {
    const o = open();
    for (let i = 0; i < 3; i++) o.append(heartbeat());
    const path = join(dir, segmentFiles()[0]!);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace('"seq":1,', '"seq":9,'));
    expect(seqs(o)).toEqual([2, 3]);
    expect(o.stats()).toMatchObject({ queued: 2, dropped: 1 });
  });

  test("an invalid record is refused at append and takes no place in the queue", () => {
    const o = open();
    expect(() => o.append({ ...(heartbeat() as object), at: "yesterday" } as TelemetryDraft)).toThrow();
    expect(o.stats().queued).toBe(0);
    expect(existsSync(join(dir, "cursor.json"))).toBe(true);
  });
});
