import postgres from "postgres";
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from "./sql-driver.ts";
import { assertIdentifier, upsertStatement } from "./upsert-statement.ts";

// PostgreSQL behind SqlDriver, on the `postgres` package. Repositories are written once for both engines, so
// this driver makes PostgreSQL look like the SQLite driver where they differ: BIGINT and NUMERIC come back as
// numbers, booleans go in as 1/0, and a transaction runs alone — other callers' statements wait for it, as
// SqlDriver promises — so a read-modify-write inside transaction() is as safe here as on SQLite. That gate
// is per process; several registry processes on one database would need their writes to be single atomic
// statements (as the repositories' ON CONFLICT and conditional UPDATEs are).
//
// Writing SQL that runs on both: integer parameters are sent as BIGINT, so arithmetic on a millisecond time
// cannot overflow; where a function insists on a 32-bit integer (substr, round), write CAST($1 AS INTEGER).
// Pass TEXT columns strings: PostgreSQL does not compare text with a number as SQLite does. A statement
// issued on the driver inside its own transaction() waits for that transaction: use the tx it hands you.

/** PostgreSQL's bind message counts parameters in 16 bits; the `postgres` package stops two short of that. */
const MAX_PARAMETERS = 65_533;

const OID = { int8: 20, float8: 701, numeric: 1700, text: 25 } as const;

export interface PostgresDriverOptions {
  /** Connections in the pool; default: the URL's ?max=N, else 10. */
  poolSize?: number;
  /** Seconds to wait for a connection before failing; default 10. */
  connectTimeoutSeconds?: number;
}

/** describeTarget names where a URL points — host, port, database, user — and never its password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || "localhost";
    const port = u.port || "5432";
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "(default)";
    const user = u.username ? ` as ${decodeURIComponent(u.username)}` : "";
    return `PostgreSQL at ${host}:${port}, database ${database}${user}`;
  } catch {
    return "PostgreSQL (unparseable URL)";
  }
}

/** poolSizeIn reads ?max=N from the URL; the package would take it as a string and open a single connection. */
function poolSizeIn(url: string): number | undefined {
  try {
    const max = new URL(url).searchParams.get("max");
    return max !== null && /^\d+$/.test(max) && Number(max) >= 1 ? Number(max) : undefined;
  } catch {
    return undefined;
  }
}

const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "28P01", // password authentication failed
  "28000", // no pg_hba.conf entry / invalid authorization
  "3D000", // database does not exist
]);

/** explain turns a failure to reach the server into an error that says where and what to check. */
function explain(err: unknown, target: string): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== "string" || !CONNECTION_ERRORS.has(code)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`cannot use ${target}: ${reason} (${code}); check that the server runs, and the host, port, database and credentials in the URL`, {
    cause: err,
  });
}

/** toParameter gives each value an explicit type where PostgreSQL's guess would differ from SQLite's answer. */
function toParameter(sql: postgres.Sql, value: SqlValue): postgres.ParameterOrJSON<never> {
  // Integers go as int8: left untyped, `$1 - 50000` would be typed int4 and a millisecond time overflow it.
  if (typeof value === "number") return sql.typed(value as never, Number.isInteger(value) ? OID.int8 : OID.float8) as never;
  if (typeof value === "boolean") return sql.typed((value ? 1 : 0) as never, OID.int8) as never;
  if (typeof value === "bigint") return sql.typed(value as never, OID.int8) as never;
  return value as never;
}

/** Column types by database and table, for insertColumns. */
const COLUMN_TYPES = new Map<string, Map<string, string>>();

/** hasTextForm says whether a value survives the trip through text and a cast (bytes do not). */
function hasTextForm(value: SqlValue): boolean {
  return !(value instanceof Uint8Array);
}

/** textForm is a value as PostgreSQL reads it back from text; booleans are stored as 0 and 1, as toParameter does. */
function textForm(value: SqlValue): string | null {
  if (value === null) return null;
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

/**
 * textArrayLiteral writes column c of rows as a PostgreSQL array literal of quoted strings. The package's
 * own array serializer runs two regular expressions over every value; most of ours (numbers, ids,
 * addresses) have nothing to escape, and skipping them halves the client's CPU for an epoch's ledger.
 */
function textArrayLiteral(rows: readonly (readonly SqlValue[])[], c: number): string {
  const parts: string[] = new Array(rows.length + 2);
  parts[0] = "{";
  for (let r = 0; r < rows.length; r++) {
    const text = textForm(rows[r]![c]!);
    const value = text === null ? "NULL" : text.includes("\\") || text.includes('"') ? `"${text.replace(/[\\"]/g, "\\$&")}"` : `"${text}"`;
    parts[r + 1] = r === rows.length - 1 ? value : value + ",";
  }
  parts[rows.length + 1] = "}";
  // One flat string: a concatenation would leave a rope, and the package's writer then measures and copies
  // it the slow way (about a second per epoch close).
  return parts.join("");
}

/** Gate lets plain statements run side by side and a transaction run alone, first come first served. */
class Gate {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; start: () => void }[] = [];

  async run<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ exclusive, start });
      this.pump();
    });
    try {
      return await fn();
    } finally {
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.pump();
    }
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.exclusive) {
      const next = this.waiting[0]!;
      if (next.exclusive && this.shared > 0) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.start();
    }
  }
}

/** PostgresExecutor runs statements on a pool or, inside a transaction, on the transaction's connection. */
class PostgresExecutor implements SqlExecutor {
  readonly engine = "postgres" as const;

  constructor(
    protected readonly sql: postgres.Sql,
    protected readonly target: string,
  ) {}

  protected async execute(text: string, params: readonly SqlValue[], prepare: boolean): Promise<postgres.RowList<postgres.Row[]>> {
    try {
      return await this.sql.unsafe(
        text,
        params.map((p) => toParameter(this.sql, p)),
        { prepare },
      );
    } catch (err) {
      throw explain(err, this.target);
    }
  }

  async query<T extends object = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    // A plain array, as SQLite returns: the package's row list also carries the connection's state.
    return Array.from(await this.execute(sql, params, true)) as unknown as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const result = await this.execute(sql, params, true);
    return { changes: result.count ?? 0 };
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    if (rows.length > rowsPerStatement(columns) && rows.every((row) => row.every(hasTextForm))) return this.insertColumns(table, columns, rows, onConflict);
    let inserted = 0;
    for (const chunk of chunksOf(columns, rows)) inserted += await this.insertChunk(table, columns, chunk, onConflict, chunk.length === rowsPerStatement(columns));
    return inserted;
  }

  async upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length > rowsPerStatement(columns) && rows.every((row) => row.every(hasTextForm))) {
      const { select, arrays } = await this.columnsSource(table, columns, rows);
      await this.executeArrays(upsertStatement(table, columns, key, select), arrays);
      return;
    }
    for (const chunk of chunksOf(columns, rows)) {
      const full = chunk.length === rowsPerStatement(columns);
      await this.execute(upsertStatement(table, columns, key, `VALUES ${valuesMarks(columns.length, chunk.length)}`), chunk.flat(), full);
    }
  }

  /**
   * insertColumns inserts many rows in one statement with one parameter per column: each column goes as a
   * text array that unnest turns back into rows, cast to the column's type. Binding one parameter per
   * value (4.5 million for an epoch's ledger) costs more client CPU than the server spends inserting.
   */
  private async insertColumns(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    const { select, arrays } = await this.columnsSource(table, columns, rows);
    const text = `INSERT INTO ${assertIdentifier(table)} (${columns.map(assertIdentifier).join(", ")}) ${select}${onConflict === "ignore" ? " ON CONFLICT DO NOTHING" : ""}`;
    return this.executeArrays(text, arrays);
  }

  /** columnsSource is a SELECT of rows from one text array per column, each cast to its column's type. */
  private async columnsSource(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<{ select: string; arrays: unknown[] }> {
    const types = await this.columnTypes(table);
    const casts = columns.map((c, i) => {
      const type = types.get(c);
      if (!type) throw new Error(`insertMany into ${table}: no column ${c}`);
      return `u.c${i}::${type}`;
    });
    rows.forEach((row, r) => {
      if (row.length !== columns.length) throw new Error(`insertMany into ${table}: row ${r} has ${row.length} values for ${columns.length} columns`);
    });
    const select = `SELECT ${casts.join(", ")} FROM unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(", ")}) AS u(${columns.map((_, i) => `c${i}`).join(", ")})`;
    const arrays = columns.map((_, c) => textArrayLiteral(rows, c));
    return { select, arrays };
  }

  private async executeArrays(text: string, arrays: unknown[]): Promise<number> {
    try {
      const result = await this.sql.unsafe(text, arrays as never, { prepare: false });
      return result.count ?? 0;
    } catch (err) {
      throw explain(err, this.target);
    }
  }

  /** columnTypes reads a table's column types once; the schema only changes by migrations, before use. */
  private async columnTypes(table: string): Promise<Map<string, string>> {
    const key = `${this.target}/${table}`;
    let types = COLUMN_TYPES.get(key);
    if (!types) {
      const rows = await this.execute("SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped", [assertIdentifier(table)], false);
      types = new Map(rows.map((r) => [String(r.name), String(r.type)]));
      COLUMN_TYPES.set(key, types);
    }
    return types;
  }

  /** insertChunk inserts rows in one statement; only full-size chunks are prepared, so odd sizes don't pile up. */
  protected async insertChunk(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict: "ignore" | "error",
    prepare: boolean,
  ): Promise<number> {
    const width = columns.length;
    rows.forEach((row, r) => {
      if (row.length !== width) throw new Error(`insertMany into ${table}: row ${r} has ${row.length} values for ${width} columns`);
    });
    const text = `INSERT INTO ${assertIdentifier(table)} (${columns.map(assertIdentifier).join(", ")}) VALUES ${valuesMarks(width, rows.length)}${onConflict === "ignore" ? " ON CONFLICT DO NOTHING" : ""}`;
    const result = await this.execute(text, rows.flat(), prepare);
    return result.count ?? 0;
  }
}

/** valuesMarks is the placeholders of a VALUES list: ($1, $2), ($3, $4), … */
function valuesMarks(width: number, rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) tuples.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`);
  return tuples.join(", ");
}

function rowsPerStatement(columns: readonly string[]): number {
  if (columns.length === 0) throw new Error("insertMany needs at least one column");
  return Math.floor(MAX_PARAMETERS / columns.length);
}

function chunksOf(columns: readonly string[], rows: readonly (readonly SqlValue[])[]): (readonly (readonly SqlValue[])[])[] {
  const size = rowsPerStatement(columns);
  const chunks: (readonly (readonly SqlValue[])[])[] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** PostgresDriver is the store for a registry that outgrows one file: a pool of connections to PostgreSQL. */
export class PostgresDriver extends PostgresExecutor implements SqlDriver {
  private readonly gate = new Gate();

  private constructor(sql: postgres.Sql, target: string) {
    super(sql, target);
  }

  /** open connects to url and checks that the server answers, so a wrong URL fails at start-up. */
  static async open(url: string, options: PostgresDriverOptions = {}): Promise<PostgresDriver> {
    const target = describeTarget(url);
    const sql = postgres(url, {
      max: options.poolSize ?? poolSizeIn(url) ?? 10,
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      onnotice: () => {},
      connection: { application_name: "akash-home-registry" },
      types: {
        // Times are milliseconds since the epoch in BIGINT, and sums and averages come back as NUMERIC;
        // both must reach repositories as numbers, as they do from SQLite. Beyond 2^53 precision is lost.
        int8: { to: OID.int8, from: [OID.int8], serialize: (x: number | bigint) => String(x), parse: (x: string) => Number(x) },
        numeric: { to: OID.numeric, from: [OID.numeric], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      },
    });
    const driver = new PostgresDriver(sql, target);
    try {
      await driver.execute("SELECT 1", [], false);
    } catch (err) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw err;
    }
    return driver;
  }

  override query<T extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.gate.run(false, () => super.query<T>(sql, params));
  }

  override run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.gate.run(false, () => super.run(sql, params));
  }

  override insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    if (rows.length <= rowsPerStatement(columns)) return this.gate.run(false, () => super.insertMany(table, columns, rows, onConflict));
    // More rows than one statement holds: all of them or none, as on SQLite.
    return this.transaction((tx) => tx.insertMany(table, columns, rows, onConflict));
  }

  override upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length <= rowsPerStatement(columns)) return this.gate.run(false, () => super.upsertMany(table, columns, key, rows));
    return this.transaction((tx) => tx.upsertMany(table, columns, key, rows));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.gate.run(true, async () => {
      try {
        return (await this.sql.begin((tx) => fn(new PostgresExecutor(tx as unknown as postgres.Sql, this.target)))) as T;
      } catch (err) {
        throw explain(err, this.target);
      }
    });
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
