// agent/telemetry: the device's telemetry — this durable outbox, the sender that drains it to the registry
// (sender.ts), the collector of heartbeat and metrics records (collector.ts) and the loop that ties them
// together (telemetry-loop.ts). The daemon wires it. It must not import agent/daemon, backend, web, cli or
// probe, nor any heavy module (systeminformation and the like): it runs for weeks inside a small agent and
// reads /proc itself.
import { chmodSync, closeSync, existsSync, fchmodSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { TelemetryRecord, type Heartbeat, type Metrics } from "../../protocol/telemetry.ts";
import { JsonFile } from "../state/json-file.ts";

/** TelemetryDraft is a record before the outbox numbers it. */
export type TelemetryDraft = Omit<Heartbeat, "seq"> | Omit<Metrics, "seq">;

export interface OutboxLimits {
  /** Most records kept waiting; past it the oldest are dropped and counted. */
  maxRecords: number;
  /** Most bytes of records kept waiting; past it the oldest are dropped and counted. */
  maxBytes: number;
  /** A segment file is closed for appending at this many records or bytes and deleted once all of it is settled. */
  segmentRecords: number;
  segmentBytes: number;
}

/** About 41 hours of records at one heartbeat per 15 s and one metrics record a minute. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxRecords: 20_000, maxBytes: 8 * 1024 * 1024, segmentRecords: 500, segmentBytes: 256 * 1024 };

export interface OutboxOptions {
  limits?: Partial<OutboxLimits>;
  /**
   * The lowest seq the next record may take. Pass it when this device may have numbered records before
   * that this folder no longer knows of (its key is older than the outbox); see seqAfterLoss.
   */
  seqFloor?: number;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
}

export interface OutboxStats {
  /** Records waiting to be acknowledged by the registry. */
  queued: number;
  queuedBytes: number;
  /** Records dropped, oldest first, because the outbox was full; kept across restarts. */
  dropped: number;
  /** Records the registry refused as invalid and that were discarded; kept across restarts. */
  rejected: number;
  /** `at` of the oldest waiting record. */
  oldestAt: string | null;
  /** The seq the next appended record gets. */
  nextSeq: number;
}

/**
 * seqAfterLoss is where numbering resumes when the outbox's memory of it is gone: the clock in
 * milliseconds. Seqs grow by a few records a minute, so a device would need millions of years of records to
 * have reached it; numbering from there never repeats a seq the registry already holds (and would
 * silently treat as a duplicate). Safe integers leave room for that until the year 287,000.
 */
export function seqAfterLoss(nowMs: number): number {
  return Math.floor(nowMs);
}

const CURSOR_FILE = "cursor.json";
const CURSOR_VERSION = 1;
/** What writeFileAtomic names its temp file for the cursor. */
const CURSOR_TEMP = /^\.cursor\.json\.[0-9a-f]+\.tmp$/;
const Cursor = v.object({
  /** Every seq at or below this is settled: acknowledged by the registry, dropped, or rejected. */
  settledThrough: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  nextSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  dropped: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  rejected: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
type Cursor = v.InferOutput<typeof Cursor>;

const SEGMENT_NAME = /^segment-(\d{16})\.jsonl$/;
const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, "0")}.jsonl`;
const NEWLINE = 0x0a;

/**
 * Segment is one append-only JSON-lines file and the index of its records that are still queued. Only
 * positions are kept in memory, never the records: 20,000 waiting records cost under 1 MB of index.
 */
interface Segment {
  path: string;
  /** Position in the arrays of the first record still queued; the ones before it are settled. */
  head: number;
  seqs: number[];
  starts: number[];
  sizes: number[];
  /** `at` in ms, for stats().oldestAt. */
  ats: number[];
  /** Bytes in the file: where the next line goes. */
  end: number;
}

// fatal: a damaged byte makes the line unreadable rather than quietly changing a value.
const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseLine(line: Uint8Array): TelemetryRecord | null {
  try {
    const parsed: unknown = JSON.parse(utf8.decode(line));
    return v.is(TelemetryRecord, parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const asideName = (path: string, nowMs: number) => `${path}.bad-${new Date(nowMs).toISOString().replace(/[:.]/g, "-")}`;

/**
 * Outbox keeps telemetry records on disk until the registry has them. append() numbers a record with the
 * next seq (never reused, across restarts and crashes) and returns only once it is fsync'd; peek() gives the
 * oldest waiting records; ack() forgets them. When full, the oldest records are dropped and counted.
 *
 * On disk: segment-<first seq>.jsonl files, appended to and fsync'd, and cursor.json (written atomically)
 * with what is settled and the next seq. A crash leaves at most a torn last line, which is ignored; a
 * damaged file is set aside and reported in `problems`, never fatal. All methods are synchronous, so
 * appends and acks never interleave.
 */
export class Outbox {
  /** What had to be repaired when the outbox was opened; for the owner's notices. */
  readonly problems: readonly string[];
  private readonly limits: OutboxLimits;
  private readonly cursorFile: JsonFile<typeof Cursor>;
  private readonly segments: Segment[];
  private current: { segment: Segment; fd: number } | null = null;
  private settledThrough: number;
  private nextSeq: number;
  private dropped: number;
  private rejected: number;
  private queued = 0;
  private queuedBytes = 0;
  private closed = false;

  private constructor(
    readonly dir: string,
    limits: OutboxLimits,
    cursorFile: JsonFile<typeof Cursor>,
    cursor: Cursor,
    segments: Segment[],
    problems: string[],
  ) {
    this.limits = limits;
    this.cursorFile = cursorFile;
    this.settledThrough = cursor.settledThrough;
    this.nextSeq = cursor.nextSeq;
    this.dropped = cursor.dropped;
    this.rejected = cursor.rejected;
    this.segments = segments;
    this.problems = problems;
    for (const s of segments) {
      this.queued += s.seqs.length - s.head;
      for (let i = s.head; i < s.sizes.length; i++) this.queuedBytes += s.sizes[i]!;
    }
  }

  /** open reads (or creates, 0700) the outbox folder, repairs what a crash left and enforces the limits. */
  static open(dir: string, options: OutboxOptions = {}): Outbox {
    const now = options.now ?? Date.now;
    const limits = { ...DEFAULT_OUTBOX_LIMITS, ...options.limits };
    const fresh = !existsSync(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const problems: string[] = [];

    const cursorFile = new JsonFile(join(dir, CURSOR_FILE), Cursor, CURSOR_VERSION);
    const saved = cursorFile.read();
    if (cursorFile.lastProblem) problems.push(cursorFile.lastProblem);
    const settledThrough = saved?.settledThrough ?? 0;

    const entries = readdirSync(dir);
    // A crash in the middle of writing the cursor leaves its temp file behind; one per crash adds up over weeks.
    for (const n of entries) if (CURSOR_TEMP.test(n)) rmSync(join(dir, n), { force: true });
    const names = entries.filter((n) => SEGMENT_NAME.test(n)).sort();
    const segments: Segment[] = [];
    const removable: string[] = [];
    let lastSeq = 0;
    // A file we cannot read may hold any seq: numbering then resumes as after a loss.
    let unreadable = false;
    for (const name of names) {
      const path = join(dir, name);
      let data: Buffer;
      try {
        data = readFileSync(path);
      } catch (err) {
        problems.push(`${path} could not be read (${(err as Error).message}); left it in place and went on without it`);
        unreadable = true;
        continue;
      }
      const segment: Segment = { path, head: 0, seqs: [], starts: [], sizes: [], ats: [], end: 0 };
      let found = 0;
      let damaged = 0;
      let pos = 0;
      while (pos < data.length) {
        const newline = data.indexOf(NEWLINE, pos);
        // A last line without its newline is an append a crash cut short; it was never acknowledged.
        if (newline === -1) break;
        const record = parseLine(data.subarray(pos, newline));
        if (record && record.seq > lastSeq) {
          lastSeq = record.seq;
          found++;
          if (record.seq > settledThrough) {
            segment.seqs.push(record.seq);
            segment.starts.push(pos);
            segment.sizes.push(newline + 1 - pos);
            segment.ats.push(Date.parse(record.at));
          }
        } else {
          damaged++;
        }
        pos = newline + 1;
      }
      segment.end = pos;
      if (damaged > 0 && found === 0) {
        const aside = asideName(path, now());
        try {
          renameSync(path, aside);
          problems.push(`${path} held no readable telemetry; kept it as ${aside} and went on without it`);
        } catch (err) {
          problems.push(`${path} held no readable telemetry and could not be set aside (${(err as Error).message}); left it in place`);
          unreadable = true;
        }
        continue;
      }
      if (damaged > 0) problems.push(`${path}: skipped ${damaged} damaged line(s); the rest of its records will be sent`);
      if (segment.seqs.length === 0) removable.push(path);
      else segments.push(segment);
    }

    const lost = (!fresh && saved === null) || unreadable;
    const nextSeq = Math.max(saved?.nextSeq ?? 1, lost ? seqAfterLoss(now()) : 1, lastSeq + 1, settledThrough + 1, options.seqFloor ?? 1);
    if (lost) problems.push(`the telemetry outbox in ${dir} could not be sure of its record numbering; numbering resumes at ${nextSeq} so the registry takes new records as new`);

    const outbox = new Outbox(dir, limits, cursorFile, { settledThrough, nextSeq, dropped: saved?.dropped ?? 0, rejected: saved?.rejected ?? 0 }, segments, problems);
    // The cursor goes first: it must cover every seq in a file before that file may be deleted.
    outbox.writeCursor();
    for (const path of removable) rmSync(path, { force: true });
    outbox.enforceLimits();
    return outbox;
  }

  /** append numbers the record with the next seq and returns once it is on disk (fsync'd). */
  append(draft: TelemetryDraft): TelemetryRecord {
    this.assertOpen();
    const seq = this.nextSeq;
    const record = v.parse(TelemetryRecord, { ...draft, seq });
    const line = Buffer.from(JSON.stringify(record) + "\n");
    // Taken even if the write fails: a seq that may have reached the disk is never handed out again.
    this.nextSeq++;
    const { segment, fd } = this.writableSegment(line.length, seq);
    try {
      let off = 0;
      while (off < line.length) off += writeSync(fd, line, off);
      fdatasyncSync(fd);
    } catch (err) {
      // Cut the partial line off so the next append starts on a fresh line; if even that fails, the next
      // append opens a new file and a reopen will skip the torn line.
      try {
        ftruncateSync(fd, segment.end);
      } catch {}
      this.closeCurrent();
      throw err;
    }
    segment.seqs.push(seq);
    segment.starts.push(segment.end);
    segment.sizes.push(line.length);
    segment.ats.push(Date.parse(record.at));
    segment.end += line.length;
    this.queued++;
    this.queuedBytes += line.length;
    try {
      this.enforceLimits();
    } catch {
      // The record is on disk, so append succeeded. The drop that failed to be recorded (a full disk) is
      // in memory, and the next cursor write (an ack, or the next open) records it.
    }
    return record;
  }

  /** peek returns up to max of the oldest waiting records, oldest first, without removing them. */
  peek(max: number): TelemetryRecord[] {
    this.assertOpen();
    const out: TelemetryRecord[] = [];
    for (const segment of this.segments) {
      if (out.length >= max) break;
      const from = segment.head;
      const to = Math.min(segment.seqs.length, from + (max - out.length));
      if (from >= to) continue;
      const start = segment.starts[from]!;
      const length = segment.starts[to - 1]! + segment.sizes[to - 1]! - start;
      const bytes = Buffer.alloc(length);
      const fd = openSync(segment.path, "r");
      try {
        let off = 0;
        while (off < length) {
          const n = readSync(fd, bytes, off, length - off, start + off);
          if (n === 0) break;
          off += n;
        }
      } finally {
        closeSync(fd);
      }
      for (let i = from; i < to; i++) {
        // Damaged lines skipped at open may lie between records: go by each record's own position.
        const at = segment.starts[i]! - start;
        const record = parseLine(bytes.subarray(at, at + segment.sizes[i]! - 1));
        if (record && record.seq === segment.seqs[i]) {
          out.push(record);
          continue;
        }
        // The file changed under us. Records are settled in order only, so an unreadable one at the front
        // is dropped (and counted) and the batch ends before any later one.
        if (out.length > 0) return out;
        this.settle(segment.seqs[i]!, "dropped");
        return this.peek(max);
      }
    }
    return out;
  }

  /** ack forgets every waiting record with seq ≤ throughSeq; the registry has them. Returns how many. */
  ack(throughSeq: number): number {
    return this.settle(throughSeq, "acked");
  }

  /** reject forgets every waiting record with seq ≤ throughSeq and counts them as refused by the registry. */
  reject(throughSeq: number): number {
    return this.settle(throughSeq, "rejected");
  }

  stats(): OutboxStats {
    const first = this.segments.find((s) => s.head < s.seqs.length);
    const oldest = first ? first.ats[first.head]! : null;
    return {
      queued: this.queued,
      queuedBytes: this.queuedBytes,
      dropped: this.dropped,
      rejected: this.rejected,
      oldestAt: oldest === null || Number.isNaN(oldest) ? null : new Date(oldest).toISOString(),
      nextSeq: this.nextSeq,
    };
  }

  close(): void {
    this.closeCurrent();
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the telemetry outbox is closed");
  }

  private settle(throughSeq: number, reason: "acked" | "dropped" | "rejected"): number {
    this.assertOpen();
    const through = Math.min(throughSeq, this.nextSeq - 1);
    if (through <= this.settledThrough) return 0;
    let count = 0;
    for (const s of this.segments) {
      while (s.head < s.seqs.length && s.seqs[s.head]! <= through) {
        this.queuedBytes -= s.sizes[s.head]!;
        s.head++;
        count++;
      }
      if (s.head < s.seqs.length) break;
    }
    this.queued -= count;
    this.settledThrough = through;
    if (reason === "dropped") this.dropped += count;
    if (reason === "rejected") this.rejected += count;
    this.writeCursor();
    this.deleteSettledSegments();
    return count;
  }

  private enforceLimits(): void {
    let excessRecords = this.queued - this.limits.maxRecords;
    let excessBytes = this.queuedBytes - this.limits.maxBytes;
    if (excessRecords <= 0 && excessBytes <= 0) return;
    let through = this.settledThrough;
    for (const s of this.segments) {
      for (let i = s.head; i < s.seqs.length && (excessRecords > 0 || excessBytes > 0); i++) {
        through = s.seqs[i]!;
        excessRecords--;
        excessBytes -= s.sizes[i]!;
      }
      if (excessRecords <= 0 && excessBytes <= 0) break;
    }
    this.settle(through, "dropped");
  }

  private writeCursor(): void {
    this.cursorFile.write({ settledThrough: this.settledThrough, nextSeq: this.nextSeq, dropped: this.dropped, rejected: this.rejected });
  }

  /** Only called right after the cursor was written: it already covers every record in these files. */
  private deleteSettledSegments(): void {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      if (s.head < s.seqs.length || s === this.current?.segment) continue;
      this.segments.splice(i, 1);
      rmSync(s.path, { force: true });
    }
  }

  private writableSegment(lineBytes: number, seq: number): { segment: Segment; fd: number } {
    const open = this.current;
    if (open && open.segment.seqs.length > 0 && (open.segment.seqs.length >= this.limits.segmentRecords || open.segment.end + lineBytes > this.limits.segmentBytes)) {
      this.closeCurrent();
      // The cursor on disk already covers a fully settled segment: every settle writes it before returning.
      this.deleteSettledSegments();
    }
    if (this.current) return this.current;
    const segment: Segment = { path: join(this.dir, segmentName(seq)), head: 0, seqs: [], starts: [], sizes: [], ats: [], end: 0 };
    // "wx": never append to a file someone else left under this name.
    const fd = openSync(segment.path, "wx", 0o600);
    try {
      fchmodSync(fd, 0o600);
      fsyncDir(this.dir);
    } catch (err) {
      closeSync(fd);
      rmSync(segment.path, { force: true });
      throw err;
    }
    this.segments.push(segment);
    this.current = { segment, fd };
    return this.current;
  }

  private closeCurrent(): void {
    if (!this.current) return;
    try {
      closeSync(this.current.fd);
    } catch {}
    this.current = null;
  }
}
