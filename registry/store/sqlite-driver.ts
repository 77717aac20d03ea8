import { Database, type Statement } from "bun:sqlite";
import type { SqlDriver, SqlExecutor, SqlValue } from "./sql-driver.ts";
import { startCheckpointer, type Checkpointer } from "./sqlite-checkpointer.ts";
import { upsertStatement } from "./upsert-statement.ts";

// bun:sqlite is synchronous; the registry's callers are async. A queue keeps a transaction's statements
// together: while one transaction runs, every other caller waits for it rather than interleaving.

/** toSqlite turns $1-style placeholders into SQLite's numbered ?1 form. */
function toSqlite(sql: string): string {
  return sql.replace(/\$(\d+)/g, "?$1");
}

function bind(params: readonly SqlValue[]): any[] {
  return params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
}

class SqliteExecutor implements SqlExecutor {
  readonly engine = "sqlite" as const;
  private readonly statements = new Map<string, Statement>();

  constructor(protected readonly db: Database) {}

  protected prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(toSqlite(sql));
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  querySync<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.prepare(sql).all(...bind(params)) as T[];
  }

  runSync(sql: string, params: readonly SqlValue[] = []): { changes: number } {
    return { changes: this.prepare(sql).run(...bind(params)).changes };
  }

  insertManySync(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): number {
    if (rows.length === 0) return 0;
    const marks = columns.map((_, i) => `$${i + 1}`).join(", ");
    const stmt = this.prepare(`INSERT ${onConflict === "ignore" ? "OR IGNORE " : ""}INTO ${table} (${columns.join(", ")}) VALUES (${marks})`);
    let inserted = 0;
    for (const row of rows) inserted += stmt.run(...bind(row)).changes;
    return inserted;
  }

  upsertManySync(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): void {
    if (rows.length === 0) return;
    const stmt = this.prepare(upsertStatement(table, columns, key, `VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`));
    for (const row of rows) stmt.run(...bind(row));
  }

  async query<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.querySync<T>(sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.runSync(sql, params);
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    if (rows.length <= 1) return this.insertManySync(table, columns, rows, onConflict);
    return this.atOnce(() => this.insertManySync(table, columns, rows, onConflict));
  }

  async upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length <= 1) return this.upsertManySync(table, columns, key, rows);
    return this.atOnce(() => this.upsertManySync(table, columns, key, rows));
  }

  /** atOnce runs fn in a transaction of its own: many rows outside a transaction still commit once. */
  private atOnce<T>(fn: () => T): T {
    this.db.run("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.run("COMMIT");
      return result;
    } catch (err) {
      this.db.run("ROLLBACK");
      throw err;
    }
  }
}

/** SqliteDriver is the default store: one file, WAL, synchronous=NORMAL (durable across a process crash). */
export class SqliteDriver extends SqliteExecutor implements SqlDriver {
  private tail: Promise<unknown> = Promise.resolve();
  private inTransaction = false;

  private checkpointer: Checkpointer | null = null;

  constructor(private readonly path: string) {
    super(new Database(path, { create: true, strict: false }));
    this.db.run("PRAGMA journal_mode = WAL");
    this.db.run("PRAGMA synchronous = NORMAL");
    this.db.run("PRAGMA busy_timeout = 5000");
    this.db.run("PRAGMA foreign_keys = ON");
  }

  /**
   * checkpointInBackground moves WAL checkpoints to a worker thread: SQLite would otherwise run them inside
   * the COMMIT that crosses its threshold, on the registry's one thread (this took ingest from about 15,500
   * to 20,000 heartbeats/s on 2 cores; bench/README.md). Without the worker, automatic checkpoints stay on.
   */
  async checkpointInBackground(intervalMs = 500): Promise<boolean> {
    if (this.checkpointer) return true;
    this.checkpointer = await startCheckpointer(this.path, intervalMs);
    if (this.checkpointer) this.db.run("PRAGMA wal_autocheckpoint = 0");
    return this.checkpointer !== null;
  }

  /** exclusive runs fn after every earlier transaction has ended. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => {});
    return result;
  }

  override async query<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (!this.inTransaction) return this.querySync<T>(sql, params);
    return this.exclusive(async () => this.querySync<T>(sql, params));
  }

  override async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    if (!this.inTransaction) return this.runSync(sql, params);
    return this.exclusive(async () => this.runSync(sql, params));
  }

  override async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    return this.exclusive(() => super.insertMany(table, columns, rows, onConflict));
  }

  override async upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    return this.exclusive(() => super.upsertMany(table, columns, key, rows));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.run("BEGIN IMMEDIATE");
      this.inTransaction = true;
      const tx = new SqliteTransaction(this.db, this);
      try {
        const out = await fn(tx);
        this.db.run("COMMIT");
        return out;
      } catch (err) {
        this.db.run("ROLLBACK");
        throw err;
      } finally {
        this.inTransaction = false;
      }
    });
  }

  async close(): Promise<void> {
    await this.tail;
    await this.checkpointer?.stop();
    this.checkpointer = null;
    // The last connection to close checkpoints what is left and removes the WAL.
    this.db.close();
  }
}

/** SqliteTransaction runs statements inside the open transaction; it reuses the driver's prepared statements. */
class SqliteTransaction implements SqlExecutor {
  readonly engine = "sqlite" as const;
  constructor(
    private readonly db: Database,
    private readonly driver: SqliteExecutor,
  ) {}
  async query<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.driver.querySync<T>(sql, params);
  }
  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.driver.runSync(sql, params);
  }
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number> {
    return this.driver.insertManySync(table, columns, rows, onConflict);
  }
  async upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    this.driver.upsertManySync(table, columns, key, rows);
  }
}
