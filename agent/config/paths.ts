import { homedir } from "node:os";
import { join } from "node:path";

// Default locations in one place, as systemd's StateDirectory= and the XDG base-dir spec lay them out.

const isRoot = () => process.getuid?.() === 0;

/** defaultStateDir is /var/lib/akash-home for root, else $XDG_STATE_HOME/akash-home. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (isRoot()) return "/var/lib/akash-home";
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "akash-home");
}

/** defaultConfigFile is /etc/akash-home/config.json for root, else $XDG_CONFIG_HOME/akash-home/config.json. */
export function defaultConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (isRoot()) return "/etc/akash-home/config.json";
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "akash-home", "config.json");
}

/** DEFAULT_LISTEN is the page's address: loopback only. */
export const DEFAULT_LISTEN = "127.0.0.1:7777";

/** Files inside the state dir. */
export const STATE_FILES = {
  socket: "akash-home.sock",
  state: "state.json",
  deviceKey: "device-key.json",
  doctor: "doctor.json",
  bench: "bench.json",
  setupCode: "setup-code",
  telemetryOutbox: "telemetry-outbox",
} as const;
