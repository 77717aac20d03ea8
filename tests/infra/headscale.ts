// headscale: a real Headscale control server for tests — plain HTTP, SQLite in its own dir, its embedded DERP
// relay and STUN on the same host (it refuses to start without a DERP map, and fetching Tailscale's public one
// is exactly what an offline test must not do), no DNS pushed to clients, no update checks.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../support/free-port.ts";
import { freeUdpPort } from "./free-udp-port.ts";
import { describeLogs, runCommand, startProcess, waitUntil } from "./process.ts";
import { tool } from "./tools.ts";
import { keepLogsAfterFailure, makeWorkDir, removeWorkDir } from "./work-dir.ts";

export interface HeadscaleOptions {
  /** netns runs Headscale inside that network namespace (e.g. a network lab's region). */
  netns?: string;
  /** listenHost is the address it serves HTTP (control, API, DERP) and STUN on; default 127.0.0.1. */
  listenHost?: string;
  /** port for HTTP; default a free port on loopback, 8080 inside a namespace. */
  port?: number;
  /** stunPort (UDP); default a free port on loopback, 3478 inside a namespace. */
  stunPort?: number;
  /** policyJson is an ACL policy (HuJSON) to load; without it every node may reach every other. */
  policyJson?: string;
  /**
   * policyMode "file" (default) reads policyJson from a file; "database" keeps the policy in the database so
   * it can be changed through the API (PUT /api/v1/policy), policyJson then being the initial one.
   */
  policyMode?: "file" | "database";
}

export interface Headscale {
  /** url is the server URL clients use as --login-server and the API base (http://host:port). */
  readonly url: string;
  /** apiKey is a 24 h API key for the REST API (Authorization: Bearer). */
  readonly apiKey: string;
  /** apiKeyFile holds apiKey (mode 0600). */
  readonly apiKeyFile: string;
  readonly dir: string;
  readonly configPath: string;
  /** derpUrl is the embedded DERP relay (tailscaled must run with TS_DEBUG_USE_DERP_HTTP=1 to use plain HTTP). */
  readonly derpUrl: string;
  readonly stunPort: number;
  /** cli runs the headscale CLI against this server (over its unix socket) and returns stdout. */
  cli(args: string[]): Promise<string>;
  /** cliJson runs the CLI with -o json and parses the output. */
  cliJson<T = unknown>(args: string[]): Promise<T>;
  log(): string;
  stop(): Promise<void>;
}

/** startHeadscale starts Headscale, waits until it serves, and creates an API key. */
export async function startHeadscale(options: HeadscaleOptions = {}): Promise<Headscale> {
  const binary = await tool("headscale");
  const host = options.listenHost ?? "127.0.0.1";
  const inNamespace = options.netns !== undefined;
  const port = options.port ?? (inNamespace ? 8080 : await freePort());
  const stunPort = options.stunPort ?? (inNamespace ? 3478 : await freeUdpPort(host));
  const dir = makeWorkDir("headscale");
  const url = `http://${host}:${port}`;
  const configPath = join(dir, "config.yaml");
  const policyMode = options.policyMode ?? "file";
  const policyPath = join(dir, "policy.json");
  if (options.policyJson !== undefined) writeFileSync(policyPath, options.policyJson, { mode: 0o600 });

  const config = {
    server_url: url,
    listen_addr: `${host}:${port}`,
    metrics_listen_addr: "", // no metrics server: one port less to collide on
    // Remote gRPC is only served with TLS or grpc_allow_insecure; the CLI uses the unix socket instead.
    grpc_listen_addr: `${host}:0`,
    grpc_allow_insecure: false,
    noise: { private_key_path: join(dir, "noise_private.key") },
    prefixes: { v4: "100.64.0.0/10", v6: "fd7a:115c:a1e0::/48", allocation: "sequential" },
    derp: {
      server: {
        enabled: true,
        region_id: 999,
        region_code: "headscale",
        region_name: "Headscale Embedded DERP",
        verify_clients: true,
        stun_listen_addr: `${host}:${stunPort}`,
        private_key_path: join(dir, "derp_server_private.key"),
        automatically_add_embedded_derp_region: true,
        // The example config ships documentation addresses here, which clients would dial instead.
        ipv4: host,
        ipv6: "",
      },
      urls: [], // never fetch the public DERP map
      paths: [],
      auto_update_enabled: false,
    },
    disable_check_updates: true,
    node: { expiry: 0, ephemeral: { inactivity_timeout: "120s" } },
    database: { type: "sqlite", sqlite: { path: join(dir, "db.sqlite"), write_ahead_log: true } },
    tls_cert_path: "",
    tls_key_path: "",
    tls_letsencrypt_hostname: "",
    log: { level: "info", format: "text" },
    policy: policyMode === "file" ? { mode: "file", path: options.policyJson !== undefined ? policyPath : "" } : { mode: "database" },
    // No DNS for clients: the default config pushes a public resolver.
    dns: { magic_dns: false, override_local_dns: false, base_domain: "", nameservers: { global: [] } },
    unix_socket: join(dir, "headscale.sock"),
    unix_socket_permission: "0700",
    logtail: { enabled: false },
  };
  writeFileSync(configPath, stringify(config), { mode: 0o600 });

  const proc = startProcess({
    name: "headscale",
    argv: [binary, "-c", configPath, "serve"],
    dir,
    netns: options.netns,
  });
  const stop = async () => {
    await proc.stop();
    removeWorkDir(dir);
  };
  const cli = async (args: string[]) => {
    const result = await runCommand([binary, "-c", configPath, ...args], { cwd: dir, timeoutMs: 30_000 });
    return result.stdout;
  };
  try {
    // Over HTTP from where the tests are: inside a namespace, that is the host reaching the lab.
    await waitUntil(
      `Headscale at ${url}`,
      async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok,
      { timeoutMs: 30_000, processes: [proc] },
    );
    if (policyMode === "database" && options.policyJson !== undefined) await cli(["policy", "set", "-f", policyPath]);
    const apiKey = (await cli(["apikeys", "create", "--expiration", "24h"])).trim().split("\n").pop()?.trim() ?? "";
    if (!apiKey) throw new Error("headscale apikeys create printed no key");
    const apiKeyFile = join(dir, "api-key");
    writeFileSync(apiKeyFile, apiKey, { mode: 0o600 });
    chmodSync(apiKeyFile, 0o600);
    return {
      url,
      apiKey,
      apiKeyFile,
      dir,
      configPath,
      derpUrl: `${url}/derp`,
      stunPort,
      cli,
      async cliJson<T>(args: string[]) {
        return JSON.parse(await cli([...args, "-o", "json"])) as T;
      },
      log: () => proc.log(),
      stop,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const withLog = message.includes(proc.logPath) ? message : `${message}\n${describeLogs([proc])}`;
    await proc.stop();
    keepLogsAfterFailure(); // the dir stays, for its log
    throw new Error(`Headscale failed to start: ${withLog}`);
  }
}
