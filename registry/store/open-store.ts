import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { migrate } from "./migrate.ts";
import { POSTGRES_MIGRATIONS } from "./migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "./migrations/sqlite.ts";
import { PostgresDriver } from "./postgres-driver.ts";
import type { SqlDriver, SqlEngine } from "./sql-driver.ts";
import { SqliteDriver } from "./sqlite-driver.ts";

// The registry's --db value, from string to an open, migrated store. The composition root calls this; nothing
// else needs to know which engine it got.

const ACCEPTED =
  "accepted forms: sqlite:<path> (relative to the working directory, or absolute: sqlite:/var/lib/akash-home/registry.db) " +
  "or postgres://user:password@host:port/database (postgresql:// too; ?max=N sets the pool size)";

export type DbTarget = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string };

/** parseDbUrl reads a --db value; its errors say which forms are accepted and never repeat a password. */
export function parseDbUrl(dbUrl: string): DbTarget {
  const value = dbUrl.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === "sqlite") {
    let path = value.slice("sqlite:".length);
    // sqlite:///abs/path is the common spelling of an absolute path; sqlite://x would read as a host, not a file.
    if (path.startsWith("//")) {
      if (!path.startsWith("///")) throw new Error(`--db ${value}: sqlite:// is followed by a host, which a file has not; ${ACCEPTED}`);
      path = path.slice(2);
    }
    if (path === "") throw new Error(`--db sqlite: needs a file path; ${ACCEPTED}`);
    if (path === ":memory:") throw new Error(`--db sqlite::memory: would lose every device on restart; give a file path; ${ACCEPTED}`);
    return { engine: "sqlite", path: resolve(path) };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`--db: not a valid PostgreSQL URL (a password with @, :, / or # must be percent-encoded); ${ACCEPTED}`);
    }
    if (url.hostname === "") throw new Error(`--db ${displayDbUrl(value)}: the URL names no host; ${ACCEPTED}`);
    const max = url.searchParams.get("max");
    if (max !== null && !(/^\d+$/.test(max) && Number(max) >= 1)) throw new Error(`--db ${displayDbUrl(value)}: max=${max} is not a pool size (a whole number, 1 or more)`);
    return { engine: "postgres", url: value };
  }
  throw new Error(scheme ? `--db: unknown store type "${scheme}:"; ${ACCEPTED}` : `--db: "${value.includes("@") ? "…" : value}" names no store type; ${ACCEPTED}`);
}

/** displayDbUrl is the --db value fit for a log line: any password becomes ***. */
export function displayDbUrl(dbUrl: string): string {
  const value = dbUrl.trim();
  if (!/^postgres(ql)?:/i.test(value)) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    if (url.searchParams.has("password")) url.searchParams.set("password", "***");
    return url.toString();
  } catch {
    // Unparseable: keep the scheme and drop what might hold a password.
    return `${value.slice(0, value.indexOf(":"))}://***`;
  }
}

/** openStore opens the store a --db value names, creating and migrating it as needed. */
export async function openStore(dbUrl: string, options: { backgroundCheckpoints?: boolean } = {}): Promise<{ driver: SqlDriver; engine: SqlEngine; display: string; backgroundCheckpoints?: boolean }> {
  const target = parseDbUrl(dbUrl);
  if (target.engine === "sqlite") {
    createPrivateFile(target.path);
    const driver = new SqliteDriver(target.path);
    await migrateOrClose(driver, SQLITE_MIGRATIONS);
    // The long-running registry checkpoints on a worker thread; one-off commands keep SQLite's own.
    const background = options.backgroundCheckpoints ? await driver.checkpointInBackground() : false;
    return { driver, engine: "sqlite", display: `sqlite:${target.path}`, backgroundCheckpoints: background };
  }
  const driver = await PostgresDriver.open(target.url);
  await migrateOrClose(driver, POSTGRES_MIGRATIONS);
  return { driver, engine: "postgres", display: displayDbUrl(target.url) };
}

/** The store holds session hashes and device keys: only the registry's user may read it. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (existsSync(path)) return;
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
}

async function migrateOrClose(driver: SqlDriver, migrations: Parameters<typeof migrate>[1]): Promise<void> {
  try {
    await migrate(driver, migrations);
  } catch (err) {
    await driver.close().catch(() => {});
    throw err;
  }
}
