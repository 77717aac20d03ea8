import type { SqlEngine } from "../sql-driver.ts";

/** renderSchema turns engine-neutral DDL (see initial-schema.ts) into the engine's own types. */
export function renderSchema(ddl: string, engine: SqlEngine): string {
  if (engine === "sqlite") {
    return ddl.replaceAll("@SERIAL@", "INTEGER PRIMARY KEY AUTOINCREMENT").replaceAll("@REAL@", "REAL").replaceAll("@WITHOUT_ROWID@", " WITHOUT ROWID").replaceAll("@BLOCK_RANGE@", "").replaceAll("BIGINT", "INTEGER");
  }
  return ddl.replaceAll("@SERIAL@", "BIGSERIAL PRIMARY KEY").replaceAll("@REAL@", "DOUBLE PRECISION").replaceAll("@WITHOUT_ROWID@", "").replaceAll("@BLOCK_RANGE@", "USING brin ");
}
