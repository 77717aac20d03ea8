import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

// The registry's flags. Every flag --foo-bar may also come from AKASH_HOME_REGISTRY_FOO_BAR; the database
// URL should come from there (or a PostgreSQL service file), since argv is visible to every user.

export interface RegistryFlags {
  listen: { hostname: string; port: number };
  db: string;
  config: string | null;
  stateDir: string;
  downloads: string | null;
  publicUrl: string;
  trustProxy: boolean;
  ipRate: number;
  deviceRate: number;
  heartbeatIntervalS: number;
  offlineGraceS: number;
  batching: boolean;
  help: boolean;
}

const OPTIONS = {
  listen: { type: "string" },
  db: { type: "string" },
  config: { type: "string" },
  "state-dir": { type: "string" },
  downloads: { type: "string" },
  "public-url": { type: "string" },
  "trust-proxy": { type: "boolean" },
  "ip-rate": { type: "string" },
  "device-rate": { type: "string" },
  "heartbeat-interval": { type: "string" },
  "offline-grace": { type: "string" },
  batching: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const REGISTRY_HELP = `akash-home registry: the Akash at Home registry (check-in, placement, telemetry, owner API)

Usage: akash-home registry [flags]
       akash-home registry claim-code --owner akash1… [flags]   make a claim code (see its --help)
       akash-home registry region manifest <region id> [flags]  what to install in a region (see its --help)

  --listen HOST:PORT        where to listen (default 0.0.0.0:8080)
  --db URL                  sqlite:<path> (default sqlite:<state-dir>/registry.db) or postgres://…;
                            prefer AKASH_HOME_REGISTRY_DB for URLs with a password
  --config FILE             the regions file (YAML), required
  --state-dir DIR           where the SQLite store lives (default /var/lib/akash-home-registry as root)
  --downloads DIR           folder with akash-home-linux-{x64,arm64}[.xz] and SHA256SUMS (./scripts/build's dist/)
  --public-url URL          the address devices and owners reach this registry at (default http://<listen>)
  --trust-proxy             take the client address from X-Forwarded-For (only behind your own proxy)
  --ip-rate N               requests per second per client address on unauthenticated routes (default 20; 0 = off)
  --device-rate N           requests per second per device (default 2; 0 = off)
  --heartbeat-interval S    how often devices send heartbeats (default 15)
  --offline-grace S         silence after which a device counts as offline (default 50)
  --batching on|off         group commit of telemetry (default on)

Every flag --foo-bar can also be set as AKASH_HOME_REGISTRY_FOO_BAR.
`;

export class RegistryUsageError extends Error {
  override name = "RegistryUsageError";
}

function number(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new RegistryUsageError(`--${name} must be a number of at least ${min} (got "${value}")`);
  return n;
}

function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return "/var/lib/akash-home-registry";
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "akash-home-registry");
}

export function parseRegistryFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): RegistryFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new RegistryUsageError(`${(err as Error).message.split("\n")[0]} (see "akash-home registry --help")`);
  }
  const get = (name: keyof typeof OPTIONS): string | undefined => {
    const v = values[name];
    if (typeof v === "string") return v;
    const fromEnv = env[`AKASH_HOME_REGISTRY_${name.toUpperCase().replace(/-/g, "_")}`];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const bool = (name: keyof typeof OPTIONS): boolean => values[name] === true || ["1", "true", "yes", "on"].includes(get(name) ?? "");
  const listenText = get("listen") ?? "0.0.0.0:8080";
  const m = /^(.*):(\d{1,5})$/.exec(listenText);
  if (!m || Number(m[2]) > 65535) throw new RegistryUsageError(`--listen must be HOST:PORT, e.g. 0.0.0.0:8080 (got "${listenText}")`);
  const listen = { hostname: m[1]!.replace(/^\[|\]$/g, "") || "0.0.0.0", port: Number(m[2]) };
  const stateDir = get("state-dir") ?? defaultStateDir(env);
  const batching = get("batching") ?? "on";
  if (!["on", "off"].includes(batching)) throw new RegistryUsageError(`--batching must be on or off (got "${batching}")`);
  const shownHost = listen.hostname === "0.0.0.0" || listen.hostname === "::" ? "127.0.0.1" : listen.hostname;
  const publicUrl = (get("public-url") ?? `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${listen.port}`).replace(/\/+$/, "");
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new RegistryUsageError(`--public-url must be an http(s) URL (got "${publicUrl}")`);
  }
  return {
    listen,
    db: get("db") ?? `sqlite:${join(stateDir, "registry.db")}`,
    config: get("config") ?? null,
    stateDir,
    downloads: get("downloads") ?? null,
    publicUrl,
    trustProxy: bool("trust-proxy"),
    ipRate: number("ip-rate", get("ip-rate") ?? "20", 0),
    deviceRate: number("device-rate", get("device-rate") ?? "2", 0),
    heartbeatIntervalS: number("heartbeat-interval", get("heartbeat-interval") ?? "15", 1),
    offlineGraceS: number("offline-grace", get("offline-grace") ?? "50", 1),
    batching: batching === "on",
    help: values.help === true,
  };
}
