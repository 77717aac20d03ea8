// What only the PostgreSQL driver has: a pool, and a network between it and the store.
import { describe, expect, test } from "bun:test";
import { freePort } from "../../tests/support/free-port.ts";
import { createDatabase, testPostgres } from "../../tests/support/postgres.ts";
import { PostgresDriver } from "./postgres-driver.ts";

const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

describe("PostgresDriver", () => {
  test("no server at the address: the error names host, port and database, never the password", async () => {
    const port = await freePort();
    const err = await PostgresDriver.open(`postgres://registry:s3cret-pw@127.0.0.1:${port}/devices`, { connectTimeoutSeconds: 2 }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain("database devices");
    expect(message).toContain("check that the server runs");
    expect(message).not.toContain("s3cret-pw");
  });

  test("a database that does not exist is named in the error, the password is not", async () => {
    const server = await testPostgres();
    const err = await PostgresDriver.open(withPassword(server.urlFor("no_such_db"), "s3cret-pw")).catch((e: Error) => e);
    const message = (err as Error).message;
    expect(message).toContain(`127.0.0.1:${server.port}`);
    expect(message).toContain("no_such_db");
    expect(message).not.toContain("s3cret-pw");
  });

  test("the pool never holds more connections than its size", async () => {
    const driver = await PostgresDriver.open(await createDatabase(), { poolSize: 3 });
    try {
      await Promise.all(Array.from({ length: 12 }, () => driver.query("SELECT pg_sleep(0.02)")));
      const [row] = await driver.query<{ c: number }>(
        "SELECT count(*) AS c FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'akash-home-registry'",
      );
      expect(row?.c).toBe(3);
    } finally {
      await driver.close();
    }
  });

  test("?max=N in the URL sets the pool size", async () => {
    const driver = await PostgresDriver.open(`${await createDatabase()}?max=2`);
    try {
      await Promise.all(Array.from({ length: 8 }, () => driver.query("SELECT pg_sleep(0.02)")));
      const [row] = await driver.query<{ c: number }>(
        "SELECT count(*) AS c FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'akash-home-registry'",
      );
      expect(row?.c).toBe(2);
    } finally {
      await driver.close();
    }
  });

  test("statements outside a transaction run side by side on the pool", async () => {
    const driver = await PostgresDriver.open(await createDatabase(), { poolSize: 4 });
    try {
      const started = performance.now();
      await Promise.all(Array.from({ length: 4 }, () => driver.query("SELECT pg_sleep(0.2)")));
      expect(performance.now() - started).toBeLessThan(700); // one after another would take 800 ms
    } finally {
      await driver.close();
    }
  });

  test("bytes round-trip", async () => {
    const driver = await PostgresDriver.open(await createDatabase());
    try {
      await driver.run("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BYTEA)");
      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      await driver.run("INSERT INTO blobs (id, b) VALUES ($1, $2)", [1, bytes]);
      const [row] = await driver.query<{ b: Uint8Array }>("SELECT b FROM blobs WHERE id = 1");
      expect(new Uint8Array(row!.b)).toEqual(bytes);
    } finally {
      await driver.close();
    }
  });

  test("insertMany refuses a table or column name that is not a plain identifier", async () => {
    const driver = await PostgresDriver.open(await createDatabase());
    try {
      await expect(driver.insertMany("t; DROP TABLE x", ["a"], [[1]], "error")).rejects.toThrow("not a plain SQL identifier");
    } finally {
      await driver.close();
    }
  });
});
