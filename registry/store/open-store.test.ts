// --db as an operator types it: which forms open which store, what the errors say, what the logs show.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDatabase } from "../../tests/support/postgres.ts";
import { displayDbUrl, openStore, parseDbUrl } from "./open-store.ts";

const ACCEPTED = /accepted forms: sqlite:<path>.*postgres:\/\/user:password@host:port\/database/;

describe("parseDbUrl", () => {
  test("sqlite: paths, relative to the working directory or absolute", () => {
    expect(parseDbUrl("sqlite:data/registry.db")).toEqual({ engine: "sqlite", path: resolve("data/registry.db") });
    expect(parseDbUrl("sqlite:/var/lib/akash-home/registry.db")).toEqual({ engine: "sqlite", path: "/var/lib/akash-home/registry.db" });
    expect(parseDbUrl("sqlite:///var/lib/akash-home/registry.db")).toEqual({ engine: "sqlite", path: "/var/lib/akash-home/registry.db" });
  });

  test("postgres:// and postgresql:// URLs pass through whole", () => {
    const url = "postgres://registry:pw@db.example:5433/akash?max=20";
    expect(parseDbUrl(url)).toEqual({ engine: "postgres", url });
    expect(parseDbUrl("postgresql://db.example/akash")).toEqual({ engine: "postgres", url: "postgresql://db.example/akash" });
  });

  test("an unknown store type says which forms are accepted, without repeating the value's password", () => {
    expect(() => parseDbUrl("mysql://root:hunter2@db/akash")).toThrow(ACCEPTED);
    expect(() => parseDbUrl("mysql://root:hunter2@db/akash")).toThrow(/unknown store type "mysql:"/);
    expect(() => parseDbUrl("mysql://root:hunter2@db/akash")).not.toThrow(/hunter2/);
    expect(() => parseDbUrl("registry.db")).toThrow(/names no store type/);
    expect(() => parseDbUrl("")).toThrow(ACCEPTED);
  });

  test("malformed values are refused with what to write instead", () => {
    expect(() => parseDbUrl("sqlite:")).toThrow(/needs a file path.*accepted forms/);
    expect(() => parseDbUrl("sqlite://registry.db")).toThrow(/followed by a host.*accepted forms/);
    expect(() => parseDbUrl("sqlite::memory:")).toThrow(/give a file path/);
    expect(() => parseDbUrl("postgres://user:hunter2@[bad/akash")).toThrow(/not a valid PostgreSQL URL.*accepted forms/);
    expect(() => parseDbUrl("postgres://user:hunter2@[bad/akash")).not.toThrow(/hunter2/);
    expect(() => parseDbUrl("postgres:///akash")).toThrow(/names no host/);
    expect(() => parseDbUrl("postgres://user:hunter2@db/akash?max=lots")).toThrow(/max=lots is not a pool size/);
    expect(() => parseDbUrl("postgres://user:hunter2@db/akash?max=lots")).not.toThrow(/hunter2/);
  });
});

describe("displayDbUrl", () => {
  test("a password becomes ***; the rest stays readable", () => {
    expect(displayDbUrl("postgres://registry:hunter2@db.example:5433/akash")).toBe("postgres://registry:***@db.example:5433/akash");
    expect(displayDbUrl("postgresql://registry@db.example/akash")).toBe("postgresql://registry@db.example/akash");
    expect(displayDbUrl("sqlite:/var/lib/akash-home/registry.db")).toBe("sqlite:/var/lib/akash-home/registry.db");
  });

  test("a password given as a query parameter is hidden too", () => {
    expect(displayDbUrl("postgres://db.example/akash?password=hunter2")).not.toContain("hunter2");
  });
});

describe("openStore", () => {
  const scratch = mkdtempSync(join(tmpdir(), "akash-home-open-store-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("sqlite: creates the missing folders and a file only its owner can read, migrated", async () => {
    const path = join(scratch, "state", "nested", "registry.db");
    const { driver, engine, display } = await openStore(`sqlite:${path}`);
    try {
      expect(engine).toBe("sqlite");
      expect(display).toBe(`sqlite:${path}`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect((await driver.query("SELECT version FROM schema_migrations")).length).toBeGreaterThan(0);
      expect(await driver.query("SELECT count(*) AS c FROM devices")).toEqual([{ c: 0 }]);
    } finally {
      await driver.close();
    }
  });

  test("sqlite: reopening keeps what was stored", async () => {
    const path = join(scratch, "reopen.db");
    const first = await openStore(`sqlite:${path}`);
    await first.driver.run("INSERT INTO registry_meta (key, value) VALUES ($1, $2)", ["k", "v"]);
    await first.driver.close();
    const second = await openStore(`sqlite:${path}`);
    try {
      expect(await second.driver.query("SELECT value FROM registry_meta WHERE key = $1", ["k"])).toEqual([{ value: "v" }]);
    } finally {
      await second.driver.close();
    }
  });

  test("postgres: opens, migrates, and shows the URL without its password", async () => {
    const url = new URL(await createDatabase());
    url.password = "hunter2"; // the test server trusts loopback, so any password is accepted
    const { driver, engine, display } = await openStore(url.toString());
    try {
      expect(engine).toBe("postgres");
      expect(display).not.toContain("hunter2");
      expect(display).toContain(":***@127.0.0.1:");
      expect(await driver.query("SELECT count(*) AS c FROM devices")).toEqual([{ c: 0 }]);
    } finally {
      await driver.close();
    }
  });

  test("a store written by a newer registry is refused, not guessed at", async () => {
    const path = join(scratch, "future.db");
    const first = await openStore(`sqlite:${path}`);
    await first.driver.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    await first.driver.close();
    await expect(openStore(`sqlite:${path}`)).rejects.toThrow(/newer than this registry knows/);
  });
});
