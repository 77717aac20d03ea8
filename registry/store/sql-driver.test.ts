// The SqlDriver contract, proven on both engines: what repositories may rely on whichever store runs.
import { beforeAll, describe, expect, test } from "bun:test";
import { describeEachEngine, openTestDriver } from "../../tests/support/engines.ts";
import { migrate } from "./migrate.ts";
import { POSTGRES_MIGRATIONS } from "./migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "./migrations/sqlite.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { SqliteDriver } from "./sqlite-driver.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachEngine("SqlDriver", (db) => {
  beforeAll(async () => {
    // Portable DDL: both engines read these type names the same way for what the tests store.
    await db().run("CREATE TABLE scratch (id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, s TEXT)");
    await db().run("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
    await db().run("INSERT INTO counter (id, n) VALUES (1, 0)");
    await db().run("CREATE TABLE pairs (a BIGINT NOT NULL, b BIGINT NOT NULL, label TEXT, PRIMARY KEY (a, b))");
  });

  test("numbered placeholders bind by number, in any order and more than once", async () => {
    await db().run("INSERT INTO scratch (id, n, s) VALUES ($2, $1, $2)", [7, "p1"]);
    const rows = await db().query<{ id: string; n: number; s: string }>("SELECT id, n, s FROM scratch WHERE s = $1 AND n = $2", ["p1", 7]);
    expect(rows).toEqual([{ id: "p1", n: 7, s: "p1" }]);
  });

  test("integers come back as numbers, millisecond times and aggregates included", async () => {
    const now = Date.now(); // > 2^31: overflows a 32-bit integer
    await db().run("INSERT INTO scratch (id, n) VALUES ($1, $2), ($3, $4)", ["t1", now, "t2", 2 ** 40]);
    const [row] = await db().query<{ n: number }>("SELECT n FROM scratch WHERE id = $1", ["t1"]);
    expect(row?.n).toBe(now);
    const [agg] = await db().query<{ c: number; total: number; older: number }>(
      "SELECT count(*) AS c, sum(n) AS total, max(n) - $1 AS older FROM scratch WHERE id IN ($2, $3)",
      [50_000, "t1", "t2"],
    );
    expect(agg).toEqual({ c: 2, total: now + 2 ** 40, older: Math.max(now, 2 ** 40) - 50_000 });
  });

  test("a time passed as a parameter can take part in arithmetic without overflowing", async () => {
    const now = Date.now();
    const [row] = await db().query<{ cutoff: number }>("SELECT $1 - 50000 AS cutoff", [now]);
    expect(row?.cutoff).toBe(now - 50_000);
  });

  test("fractions, booleans and NULLs round-trip as SQLite stores them", async () => {
    await db().run("INSERT INTO scratch (id, n, x, s) VALUES ($1, $2, $3, $4)", ["f1", true, 12.5, null]);
    await db().run("INSERT INTO scratch (id, n, x, s) VALUES ($1, $2, $3, $4)", ["f2", false, null, "x"]);
    const rows = await db().query("SELECT id, n, x, s FROM scratch WHERE id IN ($1, $2) ORDER BY id", ["f1", "f2"]);
    expect(rows).toEqual([
      { id: "f1", n: 1, x: 12.5, s: null },
      { id: "f2", n: 0, x: null, s: "x" },
    ]);
    expect(await db().query("SELECT id FROM scratch WHERE s IS NULL AND id = $1", ["f1"])).toEqual([{ id: "f1" }]);
  });

  test("run says how many rows it changed", async () => {
    await db().run("INSERT INTO scratch (id, n) VALUES ('c1', 1), ('c2', 1), ('c3', 2)");
    expect(await db().run("UPDATE scratch SET n = n + 10 WHERE id IN ('c1', 'c2', 'c3') AND n = $1", [1])).toEqual({ changes: 2 });
    expect(await db().run("DELETE FROM scratch WHERE id = $1", ["nobody"])).toEqual({ changes: 0 });
  });

  test("a transaction commits everything it did and returns its value", async () => {
    const out = await db().transaction(async (tx) => {
      await tx.run("INSERT INTO scratch (id, n) VALUES ($1, $2)", ["tx1", 1]);
      await tx.run("INSERT INTO scratch (id, n) VALUES ($1, $2)", ["tx2", 2]);
      return (await tx.query<{ c: number }>("SELECT count(*) AS c FROM scratch WHERE id LIKE 'tx%'"))[0]?.c;
    });
    expect(out).toBe(2);
    expect(await db().query("SELECT id FROM scratch WHERE id LIKE 'tx%' ORDER BY id")).toEqual([{ id: "tx1" }, { id: "tx2" }]);
  });

  test("a transaction that throws leaves nothing behind and passes the error on", async () => {
    const failed = db().transaction(async (tx) => {
      await tx.run("INSERT INTO scratch (id, n) VALUES ($1, $2)", ["rb1", 1]);
      await tx.insertMany("scratch", ["id", "n"], [["rb2", 2], ["rb3", 3]], "error");
      await tx.run("UPDATE counter SET n = n + 1000 WHERE id = 1");
      throw new Error("changed my mind");
    });
    await expect(failed).rejects.toThrow("changed my mind");
    expect(await db().query("SELECT id FROM scratch WHERE id LIKE 'rb%'")).toEqual([]);
    expect(await db().query("SELECT n FROM counter WHERE id = 1")).toEqual([{ n: 0 }]);
  });

  test("a failing statement inside a transaction rolls all of it back", async () => {
    await db().run("INSERT INTO scratch (id, n) VALUES ('dup', 1)");
    const failed = db().transaction(async (tx) => {
      await tx.run("INSERT INTO scratch (id, n) VALUES ($1, $2)", ["sf1", 1]);
      await tx.run("INSERT INTO scratch (id, n) VALUES ($1, $2)", ["dup", 2]);
    });
    await expect(failed).rejects.toThrow();
    expect(await db().query("SELECT id, n FROM scratch WHERE id IN ('sf1', 'dup')")).toEqual([{ id: "dup", n: 1 }]);
  });

  test("concurrent read-modify-write transactions never lose an update", async () => {
    const bump = async () => {
      for (let i = 0; i < 50; i++) {
        await db().transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>("SELECT n FROM counter WHERE id = 1");
          await sleep(0); // give the other caller every chance to interleave
          await tx.run("UPDATE counter SET n = $1 WHERE id = 1", [row!.n + 1]);
        });
      }
    };
    await Promise.all([bump(), bump()]);
    expect(await db().query("SELECT n FROM counter WHERE id = 1")).toEqual([{ n: 100 }]);
  });

  test("a statement from another caller waits for the open transaction to end", async () => {
    let txStarted!: () => void;
    const started = new Promise<void>((r) => (txStarted = r));
    const tx = db().transaction(async (t) => {
      await t.run("UPDATE counter SET n = -1 WHERE id = 1");
      txStarted();
      await sleep(50);
      await t.run("UPDATE counter SET n = 500 WHERE id = 1");
    });
    await started;
    // Issued mid-transaction: neither the half-done -1 nor the value from before, but the committed result.
    const seen = await db().query<{ n: number }>("SELECT n FROM counter WHERE id = 1");
    await tx;
    expect(seen).toEqual([{ n: 500 }]);
  });

  test("insertMany with ignore inserts only new keys and says how many", async () => {
    expect(await db().insertMany("pairs", ["a", "b", "label"], [[1, 1, "one"], [1, 2, "two"]], "ignore")).toBe(2);
    const again = await db().insertMany(
      "pairs",
      ["a", "b", "label"],
      [
        [1, 1, "changed"],
        [1, 3, "three"],
        [1, 3, "three again"],
      ],
      "ignore",
    );
    expect(again).toBe(1);
    expect(await db().query("SELECT b, label FROM pairs WHERE a = 1 ORDER BY b")).toEqual([
      { b: 1, label: "one" },
      { b: 2, label: "two" },
      { b: 3, label: "three" },
    ]);
  });

  test("insertMany with error refuses a duplicate and inserts none of its rows", async () => {
    const dup = db().insertMany("pairs", ["a", "b", "label"], [[2, 1, "new"], [1, 1, "exists"]], "error");
    await expect(dup).rejects.toThrow();
    expect(await db().query("SELECT a FROM pairs WHERE a = 2")).toEqual([]);
  });

  test("insertMany of an empty list does nothing", async () => {
    expect(await db().insertMany("pairs", ["a", "b"], [], "ignore")).toBe(0);
  });

  test("a large insertMany keeps every value as it was: quotes, braces, commas, backslashes, unicode, empty and null", async () => {
    const tricky = ['say "hi"', "{a,b}", "back\\slash", "NULL", "", "emoji 🛰️ ünïcode", "line\nbreak", "it's"];
    const rows = Array.from({ length: 25_000 }, (_, i) => [3000, i, i % 9 === 8 ? null : tricky[i % 9]!] as const);
    expect(await db().insertMany("pairs", ["a", "b", "label"], rows, "error")).toBe(25_000);
    const back = await db().query<{ b: number; label: string | null }>("SELECT b, label FROM pairs WHERE a = 3000 ORDER BY b");
    expect(back.map((r) => [3000, r.b, r.label])).toEqual(rows.map((r) => [...r]));
  });

  test("insertMany takes 70,000 rows in one call, more than one statement's parameters hold", async () => {
    const rows = Array.from({ length: 70_000 }, (_, i) => [1000, i, `r${i}`] as const);
    expect(await db().insertMany("pairs", ["a", "b", "label"], rows, "error")).toBe(70_000);
    expect(await db().insertMany("pairs", ["a", "b", "label"], rows, "ignore")).toBe(0);
    const [stats] = await db().query<{ c: number; top: number }>("SELECT count(*) AS c, max(b) AS top FROM pairs WHERE a = 1000");
    expect(stats).toEqual({ c: 70_000, top: 69_999 });
  });

  test("upsertMany inserts new keys and overwrites the other columns of the keys that exist", async () => {
    await db().insertMany("pairs", ["a", "b", "label"], [[4000, 1, "old"], [4000, 2, "kept"]], "error");
    await db().upsertMany("pairs", ["a", "b", "label"], ["a", "b"], [[4000, 1, "new"], [4000, 3, "added"]]);
    expect(await db().query("SELECT b, label FROM pairs WHERE a = 4000 ORDER BY b")).toEqual([
      { b: 1, label: "new" },
      { b: 2, label: "kept" },
      { b: 3, label: "added" },
    ]);
    await expect(db().upsertMany("pairs", ["a", "label"], ["a", "b"], [[4000, "x"]])).rejects.toThrow("must be among the columns");
  });

  test("upsertMany of more rows than one statement holds keeps every value, and a transaction that fails undoes it", async () => {
    const tricky = ['say "hi"', "{a,b}", "back\\slash", "NULL", "", "emoji 🛰️ ünïcode", "line\nbreak", null];
    const first = Array.from({ length: 40_000 }, (_, i) => [5000, i, `v1 ${i}`] as const);
    await db().upsertMany("pairs", ["a", "b", "label"], ["a", "b"], first);
    // Half the keys again with new values, and as many new keys.
    const second = Array.from({ length: 40_000 }, (_, i) => [5000, i + 20_000, tricky[i % tricky.length]!] as const);
    await db().upsertMany("pairs", ["a", "b", "label"], ["a", "b"], second);
    const back = await db().query<{ b: number; label: string | null }>("SELECT b, label FROM pairs WHERE a = 5000 ORDER BY b");
    expect(back.length).toBe(60_000);
    expect(back.slice(0, 20_000).every((r, i) => r.b === i && r.label === `v1 ${i}`)).toBe(true);
    expect(back.slice(20_000).map((r) => r.label)).toEqual(second.map((r) => r[2]));
    await expect(
      db().transaction(async (tx) => {
        await tx.upsertMany("pairs", ["a", "b", "label"], ["a", "b"], first);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db().query("SELECT label FROM pairs WHERE a = 5000 AND b = 30000")).toEqual([{ label: second[10_000]![2] }]);
  });

  test("insertMany inside a transaction is undone with it", async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => [2000, i, null] as const);
    await expect(
      db().transaction(async (tx) => {
        await tx.insertMany("pairs", ["a", "b", "label"], rows, "error");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db().query("SELECT count(*) AS c FROM pairs WHERE a = 2000")).toEqual([{ c: 0 }]);
  });

  test("migrate again applies nothing, and a store from a newer registry is refused", async () => {
    const migrations = db().engine === "sqlite" ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
    const before = await db().query("SELECT version, name FROM schema_migrations ORDER BY version");
    expect(before.length).toBe(migrations.length);
    expect(await migrate(db(), migrations)).toEqual([]);
    expect(await db().query("SELECT version, name FROM schema_migrations ORDER BY version")).toEqual(before);

    await db().run("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [9999, "from the future", Date.now()]);
    try {
      await expect(migrate(db(), migrations)).rejects.toThrow(/schema version 9999, newer than this registry knows.*run a newer registry/);
    } finally {
      await db().run("DELETE FROM schema_migrations WHERE version = 9999");
    }
  });
});

describe("SqliteDriver file settings", () => {
  let store: SqlDriver;
  beforeAll(async () => {
    store = await openTestDriver("sqlite");
    return async () => {
      await store.close();
    };
  });

  test("the file is in WAL mode with synchronous=NORMAL, so a commit survives a crash of the registry", async () => {
    expect(await store.query("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(await store.query("PRAGMA synchronous")).toEqual([{ synchronous: 1 }]); // 1 = NORMAL
  });
});

test("SQLite checkpoints on a worker thread keep the WAL from growing without bound, and lose nothing", async () => {
  const { mkdtempSync, rmSync, statSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "akash-home-checkpoint-"));
  const path = join(dir, "x.db");
  const driver = new SqliteDriver(path);
  expect(await driver.checkpointInBackground(20)).toBe(true);
  expect((await driver.query<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint"))[0]!.wal_autocheckpoint).toBe(0);
  await driver.run("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
  let k = 0;
  for (let round = 0; round < 40; round++) {
    await driver.transaction(async (tx) => {
      await tx.insertMany("t", ["k", "v"], Array.from({ length: 200 }, () => [k++, "x".repeat(200)]), "error");
    });
    await Bun.sleep(5);
  }
  await Bun.sleep(100);
  // The worker copied frames into the database file: it holds most of the data, not only the WAL.
  expect(statSync(path).size).toBeGreaterThan(1_000_000);
  expect((await driver.query<{ n: number }>("SELECT COUNT(*) AS n FROM t"))[0]!.n).toBe(8000);
  await driver.close();
  const reopened = new SqliteDriver(path);
  expect((await reopened.query<{ n: number }>("SELECT COUNT(*) AS n FROM t"))[0]!.n).toBe(8000);
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
});
