// Runs the real registry (`akash-home registry`) from source as its own process on a free loopback port,
// with a regions file written for the test, and stops it. Its output is kept for failure messages.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./free-port.ts";

const ROOT = resolve(import.meta.dir, "../..");

export interface RegistryProcess {
  url: string;
  port: number;
  dir: string;
  output(): string;
  /** kill stops it at once, as a crash would (SIGKILL); stop asks it to finish (SIGTERM). */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** restart starts it again on the same port, store and config. */
  restart(): Promise<void>;
}

export interface RegistryProcessOptions {
  /** The regions file; ${REGISTRY_URL} in it is the registry's own address. */
  regionsYaml?: string;
  /** Extra flags, e.g. ["--ip-rate", "0"]. */
  flags?: string[];
  /** Database URL; default a SQLite file in the test's dir. */
  db?: string;
  env?: Record<string, string>;
  /** The address it listens on and names itself by; default 127.0.0.1 (a network lab's host address for devices in namespaces). */
  listenHost?: string;
}

/** RegionCluster connects the region to a cluster: its kubeconfig, its Headscale, and the server devices join. */
export interface RegionCluster {
  kubeconfig: string;
  headscaleUrl: string;
  apiKeyFile: string;
  joinServer: string;
}

/** oneRegionYaml is a config with one open, active region whose probe is the registry itself; not connected to a cluster unless one is given. */
export function oneRegionYaml(opts: { capacity?: number; admission?: "open" | "approval"; admins?: string[]; cluster?: RegionCluster } = {}): string {
  const c = opts.cluster;
  return `admins: [${(opts.admins ?? []).join(", ")}]
waitlist:
  defaultThreshold: 2
regions:
  - id: test-west
    name: Test West
    locationRegion: na-us-west
    countries: [US]
    latitude: 45.5
    longitude: -122.6
    probeUrl: \${REGISTRY_URL}/healthz
    kubeconfig: ${c?.kubeconfig ?? "/dev/null"}
    headscale: { url: "${c?.headscaleUrl ?? "http://127.0.0.1:9"}", apiKeyFile: ${c?.apiKeyFile ?? "/dev/null"} }
${c ? `    join: { server: "${c.joinServer}" }\n` : ""}    capacity: ${opts.capacity ?? 250}
    admission: ${opts.admission ?? "open"}
`;
}

export async function startRegistryProcess(opts: RegistryProcessOptions = {}): Promise<RegistryProcess> {
  const dir = mkdtempSync(join(tmpdir(), "akash-home-registry-"));
  const config = join(dir, "regions.yaml");
  writeFileSync(config, opts.regionsYaml ?? oneRegionYaml());
  const port = await freePort();
  const host = opts.listenHost ?? "127.0.0.1";
  const url = `http://${host}:${port}`;
  let out = "";
  let child: Subprocess<"ignore", "pipe", "pipe">;
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AKASH_HOME_"))), ...(opts.env ?? {}) };
  const args = ["akash-home.ts", "registry", "--listen", `${host}:${port}`, "--state-dir", join(dir, "state"), "--config", config, "--public-url", url, ...(opts.flags ?? [])];
  if (opts.db) env.AKASH_HOME_REGISTRY_DB = opts.db;

  const start = async () => {
    child = Bun.spawn([process.execPath, ...args], { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env });
    for (const stream of [child.stdout, child.stderr]) {
      void (async () => {
        const decoder = new TextDecoder();
        const reader = stream.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          out += decoder.decode(value, { stream: true });
        }
      })();
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the registry exited with ${child.exitCode}:\n${out}`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`the registry did not answer within 20 s:\n${out}`);
      await Bun.sleep(50);
    }
  };
  await start();
  return {
    url,
    port,
    dir,
    output: () => out,
    async kill() {
      child.kill("SIGKILL");
      await child.exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await child.exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    restart: start,
  };
}
