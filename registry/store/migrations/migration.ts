/** Migration is one numbered, forward-only schema change. Applied in order, each once, in a transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
