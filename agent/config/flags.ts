// Command-line flags with their environment twins and config-file keys.
// Precedence, as k3s documents it: flag > env (AKASH_HOME_FOO_BAR) > config file ("foo-bar") > default.

/** UsageError is a mistake in how the command was called: exit code 2 and a one-line message. */
export class UsageError extends Error {
  override name = "UsageError";
}

type FlagValue = string | boolean | number;

/** FlagSpec declares one flag. parse turns its text into a value or throws UsageError with what is accepted. */
export interface FlagSpec<T extends FlagValue = FlagValue> {
  name: string;
  kind: "string" | "boolean" | "number";
  help: string;
  default?: T;
  /** Shown in help, e.g. "URL" or "DIR". */
  placeholder?: string;
  parse?: (raw: string, source: string) => T;
}

/** Resolved maps each declared flag name to its value and where it came from. */
export interface Resolved {
  values: Record<string, FlagValue | undefined>;
  sources: Record<string, "flag" | "env" | "config" | "default">;
  positionals: string[];
}

/** envName maps --state-dir to AKASH_HOME_STATE_DIR. */
export function envName(flag: string): string {
  return "AKASH_HOME_" + flag.toUpperCase().replace(/-/g, "_");
}

function convert(spec: FlagSpec, raw: string | boolean, source: string): FlagValue {
  if (spec.kind === "boolean") {
    if (typeof raw === "boolean") return raw;
    const lowered = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(lowered)) return true;
    if (["0", "false", "no", "off", ""].includes(lowered)) return false;
    throw new UsageError(`${source}: "${raw}" is not a boolean; use true or false`);
  }
  if (typeof raw === "boolean") throw new UsageError(`${source} needs a value, e.g. --${spec.name}=${spec.placeholder ?? "VALUE"}`);
  if (spec.parse) return spec.parse(raw, source);
  if (spec.kind === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${source}: "${raw}" is not a number`);
    return n;
  }
  return raw;
}

/** parseArgv reads --flag, --flag=value, --flag value and --no-flag (booleans), keeping positionals. */
export function parseArgv(argv: string[], specs: FlagSpec[], command: string): { given: Map<string, FlagValue>; positionals: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const given = new Map<string, FlagValue>();
  const positionals: string[] = [];
  const accepted = () => specs.map((s) => `--${s.name}`).join(", ");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (arg === "-h") {
      given.set("help", true);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    let name = eq >= 0 ? body.slice(0, eq) : body;
    let inline: string | boolean | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    let spec = byName.get(name);
    if (!spec && name.startsWith("no-") && byName.get(name.slice(3))?.kind === "boolean" && inline === undefined) {
      name = name.slice(3);
      spec = byName.get(name);
      inline = false;
    }
    if (!spec) throw new UsageError(`unknown flag --${name} for "akash-home ${command}"; accepted: ${accepted()}`);
    if (inline === undefined) {
      if (spec.kind === "boolean") inline = true;
      else if (i + 1 < argv.length) inline = argv[++i]!;
      else throw new UsageError(`--${name} needs a value, e.g. --${name}=${spec.placeholder ?? "VALUE"}`);
    }
    given.set(name, convert(spec, inline, `--${name}`));
  }
  return { given, positionals };
}

/** resolveFlags applies flag > env > config file > default for every declared flag. */
export function resolveFlags(
  given: Map<string, FlagValue>,
  specs: FlagSpec[],
  env: NodeJS.ProcessEnv,
  configFile: Record<string, unknown>,
  configPath: string,
): Pick<Resolved, "values" | "sources"> {
  const values: Resolved["values"] = {};
  const sources: Resolved["sources"] = {};
  for (const spec of specs) {
    const envKey = envName(spec.name);
    if (given.has(spec.name)) {
      values[spec.name] = given.get(spec.name);
      sources[spec.name] = "flag";
    } else if (env[envKey] !== undefined && env[envKey] !== "") {
      values[spec.name] = convert(spec, env[envKey]!, envKey);
      sources[spec.name] = "env";
    } else if (configFile[spec.name] !== undefined) {
      const raw = configFile[spec.name];
      if (typeof raw !== "string" && typeof raw !== "boolean" && typeof raw !== "number") {
        throw new UsageError(`${configPath}: "${spec.name}" must be a ${spec.kind}`);
      }
      values[spec.name] = convert(spec, typeof raw === "number" ? String(raw) : raw, `${configPath}: "${spec.name}"`);
      sources[spec.name] = "config";
    } else {
      values[spec.name] = spec.default;
      sources[spec.name] = "default";
    }
  }
  return { values, sources };
}
