// registry/store: the one seam between the registry's domains and its database engines.
// Repositories write portable SQL against SqlDriver ($1-style placeholders, ON CONFLICT, RETURNING);
// the SQLite and PostgreSQL drivers run it. Imports nothing of the registry's domains.

/** SqlValue is what a parameter or a column may hold; times are integer milliseconds since the epoch. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

/** SqlEngine names the engine behind a driver. */
export type SqlEngine = "sqlite" | "postgres";

/** SqlExecutor runs statements; inside a transaction it is the transaction. */
export interface SqlExecutor {
  readonly engine: SqlEngine;
  /** query returns every row; integer columns come back as numbers. */
  query<T extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** run executes a statement and says how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /**
   * insertMany inserts rows in as few statements as the engine allows; with onConflict "ignore" rows whose
   * key exists are skipped. Returns how many rows were inserted.
   */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], onConflict: "ignore" | "error"): Promise<number>;
  /**
   * upsertMany inserts rows and, where a row with the same key columns exists, overwrites its other columns.
   * A key may appear only once among rows: PostgreSQL refuses to change one row twice in a statement.
   */
  upsertMany(table: string, columns: readonly string[], key: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
}

/** SqlDriver is an open database. */
export interface SqlDriver extends SqlExecutor {
  /** transaction runs fn atomically; statements from other callers wait until it ends. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
