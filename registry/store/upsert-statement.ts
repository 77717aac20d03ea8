// The INSERT … ON CONFLICT … DO UPDATE both engines run for upsertMany; only the rows' source differs
// (VALUES on SQLite and for small PostgreSQL batches, unnest of column arrays for large ones).

/** assertIdentifier refuses a table or column name that would need quoting: names here come from code. */
export function assertIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

/** upsertStatement writes the upsert of columns into table from source (a VALUES list or a SELECT), keyed by key. */
export function upsertStatement(table: string, columns: readonly string[], key: readonly string[], source: string): string {
  if (key.length === 0 || !key.every((k) => columns.includes(k))) throw new Error(`upsert into ${table}: the key (${key.join(", ")}) must be among the columns`);
  const others = columns.filter((c) => !key.includes(c));
  const onConflict = others.length === 0 ? "DO NOTHING" : `DO UPDATE SET ${others.map((c) => `${assertIdentifier(c)} = excluded.${c}`).join(", ")}`;
  return `INSERT INTO ${assertIdentifier(table)} (${columns.map(assertIdentifier).join(", ")}) ${source} ON CONFLICT (${key.map(assertIdentifier).join(", ")}) ${onConflict}`;
}
