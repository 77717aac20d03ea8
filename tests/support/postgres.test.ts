// The PostgreSQL test harness: it must find the binaries, explain their absence, and show why a start failed.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createDatabase, postgresBinDir, startPostgres, testPostgres } from "./postgres.ts";

describe("PostgreSQL test harness", () => {
  const scratch = mkdtempSync(join(tmpdir(), "akash-home-pg-bins-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("picks the newest installed version that has both initdb and postgres", () => {
    for (const [version, complete] of [["9", true], ["15", true], ["16", false]] as const) {
      mkdirSync(join(scratch, version, "bin"), { recursive: true });
      writeFileSync(join(scratch, version, "bin", "initdb"), "");
      if (complete) writeFileSync(join(scratch, version, "bin", "postgres"), "");
    }
    expect(postgresBinDir(scratch)).toBe(join(scratch, "15", "bin"));
  });

  test("without the binaries it says what to install instead of skipping", () => {
    expect(() => postgresBinDir(join(scratch, "missing"))).toThrow("apt-get install postgresql");
  });

  test("one server per process, each database fresh and on loopback", async () => {
    const [a, b] = await Promise.all([testPostgres(), testPostgres()]);
    expect(a).toBe(b);
    const urls = await Promise.all([createDatabase(), createDatabase()]);
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) expect(new URL(url).hostname).toBe("127.0.0.1");
    const sql = postgres(urls[0]!, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_schema = 'public'`;
      expect(rows[0]?.tables).toBe(0);
      const [listen] = await sql`SELECT current_setting('listen_addresses') AS v`;
      expect(listen?.v).toBe("127.0.0.1");
    } finally {
      await sql.end();
    }
  });

  test("a server that fails to start shows its log", async () => {
    const err = await startPostgres({ settings: { shared_buffers: "plenty" } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("failed to start");
    expect((err as Error).message).toContain('invalid value for parameter "shared_buffers"');
  });
});
