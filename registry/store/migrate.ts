import type { Migration } from "./migrations/migration.ts";
import type { SqlDriver } from "./sql-driver.ts";

/**
 * migrate applies the migrations not yet applied, each in its own transaction, and returns their versions.
 * A store newer than this binary (an applied version it does not know) refuses to start rather than guess.
 */
export async function migrate(db: SqlDriver, migrations: readonly Migration[]): Promise<number[]> {
  await db.run("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  const applied = new Set((await db.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => Number(r.version)));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(`the store has schema version ${Math.max(...unknown)}, newer than this registry knows (${Math.max(0, ...known)}); run a newer registry`);
  }
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    await db.transaction(async (tx) => {
      for (const stmt of splitStatements(m.sql)) await tx.run(stmt);
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
    });
    done.push(m.version);
  }
  return done;
}

/** splitStatements splits a migration on the semicolons that end its statements (our DDL has no others). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
