import { existsSync, readFileSync, renameSync } from "node:fs";
import * as v from "valibot";
import { writeFileAtomic } from "./atomic-file.ts";

/** StateFileError says a state file could not be used and where the bad copy was kept. */
export class StateFileError extends Error {
  override name = "StateFileError";
}

/** Envelope wraps every state file with a schema version so a future agent can migrate it. */
interface Envelope<T> {
  schemaVersion: number;
  data: T;
}

/**
 * JsonFile is one versioned JSON state file. A file that is corrupt, of another schema version or not
 * ours is moved aside as <name>.bad-<time> and reported once; the agent then starts from the fallback
 * instead of crash-looping on it.
 */
export class JsonFile<S extends v.GenericSchema> {
  /** What was wrong with the file at the last read, if anything; shown to the owner. */
  lastProblem: string | null = null;

  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly schemaVersion: number,
  ) {}

  read(): v.InferOutput<S> | null {
    if (!existsSync(this.path)) return null;
    let problem: string;
    try {
      const parsed = JSON.parse(readFileSync(this.path, "utf8")) as Partial<Envelope<unknown>>;
      if (parsed?.schemaVersion !== this.schemaVersion) {
        problem = `has schema version ${JSON.stringify(parsed?.schemaVersion)}, this agent reads ${this.schemaVersion}`;
      } else {
        const result = v.safeParse(this.schema, parsed.data);
        if (result.success) return result.output;
        problem = `does not hold what this agent expects (${result.issues[0]?.message ?? "invalid"})`;
      }
    } catch (err) {
      problem = `is not valid JSON (${(err as Error).message})`;
    }
    const aside = `${this.path}.bad-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(this.path, aside);
    this.lastProblem = `${this.path} ${problem}; kept it as ${aside} and started fresh`;
    return null;
  }

  write(data: v.InferOutput<S>): void {
    const envelope: Envelope<v.InferOutput<S>> = { schemaVersion: this.schemaVersion, data };
    writeFileAtomic(this.path, JSON.stringify(envelope, null, 2) + "\n");
  }
}
