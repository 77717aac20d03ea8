import { migrationsFor } from "./shared-migrations.ts";

/** SQLITE_MIGRATIONS are the SQLite store's numbered migrations. */
export const SQLITE_MIGRATIONS = migrationsFor("sqlite");
