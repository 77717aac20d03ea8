import { migrationsFor } from "./shared-migrations.ts";

/** POSTGRES_MIGRATIONS are the PostgreSQL store's numbered migrations. */
export const POSTGRES_MIGRATIONS = migrationsFor("postgres");
