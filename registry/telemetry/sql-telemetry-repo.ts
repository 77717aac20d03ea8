import type { SqlDriver, SqlEngine, SqlExecutor, SqlValue } from "../store/sql-driver.ts";
import type { HeartbeatRow, MetricsRow, NewUptimeInterval, TelemetryRepo, TelemetryWriter, UptimeInterval, UptimeKind } from "./repo.ts";

// TelemetryRepo in portable SQL, one implementation for SQLite and PostgreSQL. Ingest is the registry's
// hottest write path, so how a batch learns which of its rows were new is a choice, measured per engine
// (bench/registry-ingest/service-level.ts):
// - "changes": one prepared single-row INSERT … ON CONFLICT DO NOTHING per row, reading its change count.
//   On SQLite a statement is a function call, so this is the cheapest.
// - "returning": multi-row INSERT … ON CONFLICT DO NOTHING RETURNING the keys that went in. One round trip
//   per chunk, so the one to use where a statement crosses a network (PostgreSQL).
// - "probe": one SELECT for the keys already stored, then a plain multi-row insert of the rest.
// Multi-row statements come in power-of-two sizes so a handful of texts get prepared, not one per batch size.

export type NewRowDetection = "changes" | "returning" | "probe";

export interface SqlTelemetryRepoOptions {
  /** How inserts learn which rows were new; default "changes" on SQLite, "returning" on PostgreSQL. */
  detectNew?: NewRowDetection;
  /** Update interval ends with one UPDATE … FROM (VALUES …) per chunk instead of one UPDATE per row; default on PostgreSQL only. */
  multiRowUpdates?: boolean;
}

const LARGEST_CHUNK = 512;

const HEARTBEAT_COLUMNS = ["device_id", "seq", "at", "received_at", "paused", "tailscale_state", "tailscale_ip", "kubelet_state", "agent_version"] as const;
const METRICS_COLUMNS = ["device_id", "seq", "at", "received_at", "cpu_percent", "memory_used_bytes", "memory_total_bytes", "gpus", "pods"] as const;
const INTERVAL_COLUMNS = "id, device_id, kind, start_at, end_at";

interface Table<R> {
  name: string;
  columns: readonly string[];
  values(row: R): SqlValue[];
}

const HEARTBEATS: Table<HeartbeatRow> = {
  name: "heartbeats",
  columns: HEARTBEAT_COLUMNS,
  values: (r) => [r.deviceId, r.seq, r.at, r.receivedAt, r.paused ? 1 : 0, r.tailscaleState, r.tailscaleIp, r.kubeletState, r.agentVersion],
};

const METRICS: Table<MetricsRow> = {
  name: "metrics",
  columns: METRICS_COLUMNS,
  values: (r) => [r.deviceId, r.seq, r.at, r.receivedAt, r.cpuPercent, Math.round(r.memoryUsedBytes), Math.round(r.memoryTotalBytes), JSON.stringify(r.gpus), Math.round(r.pods)],
};

/** powerOfTwoChunks splits n into descending powers of two no larger than LARGEST_CHUNK, as [start, size] pairs. */
function powerOfTwoChunks(n: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (start < n) {
    let size = LARGEST_CHUNK;
    while (size > n - start) size >>= 1;
    out.push([start, size]);
    start += size;
  }
  return out;
}

function placeholders(rows: number, width: number, cast?: readonly string[]): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) {
      const mark = `$${r * width + c + 1}`;
      marks.push(cast ? `CAST(${mark} AS ${cast[c]})` : mark);
    }
    tuples.push(`(${marks.join(", ")})`);
  }
  return tuples.join(", ");
}

const keyOf = (deviceId: string, seq: number): string => `${deviceId}\u0000${seq}`;

/** firstOccurrences marks, for each row, whether no earlier row has its key. */
function firstOccurrences(rows: readonly { deviceId: string; seq: number }[]): boolean[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    const key = keyOf(r.deviceId, r.seq);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toInterval(r: Record<string, SqlValue>): UptimeInterval {
  return { id: Number(r.id), deviceId: String(r.device_id), kind: String(r.kind) as UptimeKind, startAt: Number(r.start_at), endAt: Number(r.end_at) };
}

function toHeartbeat(r: Record<string, SqlValue>): HeartbeatRow {
  return {
    deviceId: String(r.device_id),
    seq: Number(r.seq),
    at: Number(r.at),
    receivedAt: Number(r.received_at),
    paused: Number(r.paused) === 1,
    tailscaleState: String(r.tailscale_state),
    tailscaleIp: r.tailscale_ip === null || r.tailscale_ip === undefined ? null : String(r.tailscale_ip),
    kubeletState: String(r.kubelet_state),
    agentVersion: String(r.agent_version),
  };
}

/** Statements builds (and remembers) the SQL texts of the multi-row statements. */
class Statements {
  private readonly texts = new Map<string, string>();

  private cached(key: string, build: () => string): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = build();
      this.texts.set(key, text);
    }
    return text;
  }

  insertSingle(table: Table<unknown>): string {
    return this.cached(`single:${table.name}`, () => `INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${placeholders(1, table.columns.length)} ON CONFLICT DO NOTHING`);
  }

  insertReturning(table: Table<unknown>, rows: number): string {
    return this.cached(
      `returning:${table.name}:${rows}`,
      () => `INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${placeholders(rows, table.columns.length)} ON CONFLICT DO NOTHING RETURNING device_id, seq`,
    );
  }

  insertPlain(table: Table<unknown>, rows: number): string {
    return this.cached(`plain:${table.name}:${rows}`, () => `INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${placeholders(rows, table.columns.length)} ON CONFLICT DO NOTHING`);
  }

  probe(table: Table<unknown>, rows: number): string {
    // The casts give PostgreSQL the types a bare parameter in VALUES lacks; SQLite accepts them as they are.
    return this.cached(
      `probe:${table.name}:${rows}`,
      () => `SELECT device_id, seq FROM ${table.name} WHERE (device_id, seq) IN (VALUES ${placeholders(rows, 2, ["TEXT", "BIGINT"])})`,
    );
  }

  createIntervals(rows: number): string {
    return this.cached(`intervals:${rows}`, () => `INSERT INTO uptime_intervals (device_id, kind, start_at, end_at) VALUES ${placeholders(rows, 4)} RETURNING id`);
  }

  extendIntervals(rows: number): string {
    // VALUES columns are column1, column2… in both engines.
    return this.cached(
      `extend:${rows}`,
      () =>
        `UPDATE uptime_intervals SET end_at = v.column2 FROM (VALUES ${placeholders(rows, 2, ["BIGINT", "BIGINT"])}) AS v WHERE uptime_intervals.id = v.column1`,
    );
  }
}

class SqlTelemetryWriter implements TelemetryWriter {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly statements: Statements,
    private readonly detectNew: NewRowDetection,
    private readonly multiRowUpdates: boolean,
  ) {}

  insertHeartbeats(rows: readonly HeartbeatRow[]): Promise<boolean[]> {
    return this.insert(HEARTBEATS, rows);
  }

  insertMetrics(rows: readonly MetricsRow[]): Promise<boolean[]> {
    return this.insert(METRICS, rows);
  }

  private async insert<R extends { deviceId: string; seq: number }>(table: Table<R>, rows: readonly R[]): Promise<boolean[]> {
    if (rows.length === 0) return [];
    switch (this.detectNew) {
      case "changes":
        return this.insertCountingChanges(table, rows);
      case "returning":
        return this.insertReturning(table, rows);
      case "probe":
        return this.insertAfterProbe(table, rows);
    }
  }

  private async insertCountingChanges<R>(table: Table<R>, rows: readonly R[]): Promise<boolean[]> {
    const sql = this.statements.insertSingle(table);
    // Issued together so that PostgreSQL pipelines them on the transaction's connection; SQLite runs each
    // as it is called. Either way they execute in order, so a repeated key is new only the first time.
    const results = await Promise.all(rows.map((row) => this.tx.run(sql, table.values(row))));
    return results.map((r) => r.changes > 0);
  }

  private async insertReturning<R extends { deviceId: string; seq: number }>(table: Table<R>, rows: readonly R[]): Promise<boolean[]> {
    const width = table.columns.length;
    const chunks = await Promise.all(
      powerOfTwoChunks(rows.length).map(([start, size]) => {
        const params: SqlValue[] = new Array(size * width);
        for (let i = 0; i < size; i++) {
          const values = table.values(rows[start + i]!);
          for (let c = 0; c < width; c++) params[i * width + c] = values[c]!;
        }
        return this.tx.query<{ device_id: string; seq: number }>(this.statements.insertReturning(table, size), params);
      }),
    );
    const inserted = new Set<string>();
    for (const chunk of chunks) for (const r of chunk) inserted.add(keyOf(String(r.device_id), Number(r.seq)));
    const first = firstOccurrences(rows);
    return rows.map((r, i) => first[i]! && inserted.has(keyOf(r.deviceId, r.seq)));
  }

  private async insertAfterProbe<R extends { deviceId: string; seq: number }>(table: Table<R>, rows: readonly R[]): Promise<boolean[]> {
    const found = await Promise.all(
      powerOfTwoChunks(rows.length).map(([start, size]) => {
        const params: SqlValue[] = [];
        for (let i = start; i < start + size; i++) params.push(rows[i]!.deviceId, rows[i]!.seq);
        return this.tx.query<{ device_id: string; seq: number }>(this.statements.probe(table, size), params);
      }),
    );
    const stored = new Set<string>();
    for (const chunk of found) for (const r of chunk) stored.add(keyOf(String(r.device_id), Number(r.seq)));
    const first = firstOccurrences(rows);
    const fresh = rows.map((r, i) => first[i]! && !stored.has(keyOf(r.deviceId, r.seq)));
    const toInsert = rows.filter((_, i) => fresh[i]);
    await Promise.all(
      powerOfTwoChunks(toInsert.length).map(([start, size]) => {
        const params: SqlValue[] = [];
        for (let i = start; i < start + size; i++) params.push(...table.values(toInsert[i]!));
        return this.tx.run(this.statements.insertPlain(table, size), params);
      }),
    );
    return fresh;
  }

  async createIntervals(intervals: readonly NewUptimeInterval[]): Promise<number[]> {
    if (intervals.length === 0) return [];
    const ids: number[] = [];
    for (const [start, size] of powerOfTwoChunks(intervals.length)) {
      const params: SqlValue[] = [];
      for (let i = start; i < start + size; i++) {
        const iv = intervals[i]!;
        params.push(iv.deviceId, iv.kind, iv.startAt, iv.endAt);
      }
      const rows = await this.tx.query<{ id: number }>(this.statements.createIntervals(size), params);
      // Ids come from one counter in the order rows are inserted, which is the order of VALUES; the order
      // RETURNING lists them in is not promised by either engine, so sort rather than trust it.
      ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
    }
    return ids;
  }

  async extendIntervals(ends: readonly { id: number; endAt: number }[]): Promise<void> {
    if (ends.length === 0) return;
    if (!this.multiRowUpdates) {
      const sql = "UPDATE uptime_intervals SET end_at = $2 WHERE id = $1";
      await Promise.all(ends.map((e) => this.tx.run(sql, [e.id, e.endAt])));
      return;
    }
    await Promise.all(
      powerOfTwoChunks(ends.length).map(([start, size]) => {
        const params: SqlValue[] = [];
        for (let i = start; i < start + size; i++) params.push(ends[i]!.id, ends[i]!.endAt);
        return this.tx.run(this.statements.extendIntervals(size), params);
      }),
    );
  }
}

/** SqlTelemetryRepo stores telemetry through a SqlDriver. */
export class SqlTelemetryRepo implements TelemetryRepo {
  private readonly statements = new Statements();
  readonly detectNew: NewRowDetection;
  readonly multiRowUpdates: boolean;

  constructor(
    private readonly db: SqlDriver,
    options: SqlTelemetryRepoOptions = {},
  ) {
    this.detectNew = options.detectNew ?? SqlTelemetryRepo.defaultDetection(db.engine);
    this.multiRowUpdates = options.multiRowUpdates ?? db.engine === "postgres";
  }

  static defaultDetection(engine: SqlEngine): NewRowDetection {
    return engine === "sqlite" ? "changes" : "returning";
  }

  write<T>(fn: (writer: TelemetryWriter) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new SqlTelemetryWriter(tx, this.statements, this.detectNew, this.multiRowUpdates)));
  }

  async latestIntervals(endedSince: number, deviceIds?: readonly string[]): Promise<UptimeInterval[]> {
    // A device's latest interval is its highest id: ids rise in the order intervals are created.
    const latest = (devices: string) =>
      `SELECT ${INTERVAL_COLUMNS.split(", ").map((c) => `u.${c}`).join(", ")} FROM uptime_intervals u ` +
      `JOIN (SELECT MAX(id) AS id FROM uptime_intervals WHERE end_at >= $1${devices} GROUP BY device_id) m ON u.id = m.id`;
    if (deviceIds === undefined) return (await this.db.query(latest(""), [endedSince])).map(toInterval);
    const out: UptimeInterval[] = [];
    const unique = [...new Set(deviceIds)];
    for (const [start, size] of powerOfTwoChunks(unique.length)) {
      const marks = Array.from({ length: size }, (_, i) => `$${i + 2}`).join(", ");
      const rows = await this.db.query(latest(` AND device_id IN (${marks})`), [endedSince, ...unique.slice(start, start + size)]);
      out.push(...rows.map(toInterval));
    }
    return out;
  }

  async lastHeartbeat(deviceId: string): Promise<HeartbeatRow | null> {
    const rows = await this.db.query(`SELECT ${HEARTBEAT_COLUMNS.join(", ")} FROM heartbeats WHERE device_id = $1 ORDER BY seq DESC LIMIT 1`, [deviceId]);
    return rows[0] ? toHeartbeat(rows[0]) : null;
  }

  async uptimeIntervals(deviceId: string, fromMs: number, toMs: number): Promise<UptimeInterval[]> {
    const rows = await this.db.query(
      `SELECT ${INTERVAL_COLUMNS} FROM uptime_intervals WHERE device_id = $1 AND start_at <= $3 AND end_at >= $2 ORDER BY start_at, id`,
      [deviceId, fromMs, toMs],
    );
    return rows.map(toInterval);
  }
}
