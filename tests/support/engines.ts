// tests/support/engines: runs one test suite against every store engine, so repositories are proven on
// SQLite and PostgreSQL alike. Test-only; imports the store layer and nothing of the registry's domains.
import { afterAll, beforeAll, describe } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../../registry/store/migrate.ts";
import { POSTGRES_MIGRATIONS } from "../../registry/store/migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "../../registry/store/migrations/sqlite.ts";
import { PostgresDriver } from "../../registry/store/postgres-driver.ts";
import type { SqlDriver, SqlEngine } from "../../registry/store/sql-driver.ts";
import { SqliteDriver } from "../../registry/store/sqlite-driver.ts";
import { testPostgres } from "./postgres.ts";

/** TEST_ENGINES lists the engines every store suite runs against. */
export const TEST_ENGINES: readonly SqlEngine[] = ["sqlite", "postgres"];

/**
 * openTestDriver opens a fresh, fully migrated, empty store of the given engine: a new file in a new temp dir
 * (removed on close), or a new database on the process's shared PostgreSQL test server (dropped on close).
 */
export async function openTestDriver(engine: SqlEngine): Promise<SqlDriver> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "akash-home-store-"));
    const driver = new SqliteDriver(join(dir, "registry.db"));
    await migrate(driver, SQLITE_MIGRATIONS);
    const close = driver.close.bind(driver);
    driver.close = async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    };
    return driver;
  }
  const server = await testPostgres();
  const url = await server.createDatabase();
  const driver = await PostgresDriver.open(url);
  const close = driver.close.bind(driver);
  // Each suite's database lives in the server's RAM-backed directory until dropped.
  driver.close = async () => {
    await close();
    await server.dropDatabase(url);
  };
  try {
    await migrate(driver, POSTGRES_MIGRATIONS);
  } catch (err) {
    await driver.close();
    throw err;
  }
  return driver;
}

/**
 * describeEachEngine declares `${title} [sqlite]` and `${title} [postgres]`; each gets its own fresh store,
 * opened before its tests and closed after them. db() returns that store.
 */
export function describeEachEngine(title: string, suite: (db: () => SqlDriver) => void): void {
  for (const engine of TEST_ENGINES) {
    describe(`${title} [${engine}]`, () => {
      let driver: SqlDriver | undefined;
      beforeAll(async () => {
        driver = await openTestDriver(engine);
      });
      afterAll(async () => {
        await driver?.close();
        driver = undefined;
      });
      suite(() => {
        if (!driver) throw new Error(`the ${engine} test store is not open (use db() inside tests and hooks, not at declaration time)`);
        return driver;
      });
    });
  }
}
