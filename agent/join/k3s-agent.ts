import type { Subprocess } from "bun";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../state/atomic-file.ts";

/** How the owner installs the k3s binary alone: no server, no service of its own (the agent runs it). */
export const K3S_INSTALL_FIX = "install the k3s binary, without its own service: curl -sfL https://get.k3s.io | INSTALL_K3S_SKIP_ENABLE=true INSTALL_K3S_SKIP_START=true sh - ; then run `akash-home up` again";

/** K3sJoin is what the k3s agent needs to register this device as a Node. */
export interface K3sJoin {
  server: string;
  token: string;
  nodeName: string;
  nodeIp: string;
  labels: Record<string, string>;
  taints: string[];
  flannelIface: string;
  /** "nvidia" on a device sharing NVIDIA GPUs whose container runtime is installed. */
  defaultRuntime: string | null;
}

/**
 * k3sAgentArgs is the k3s agent command line. The token is read from tokenFile (0600), never passed in
 * argv; labels are sorted so a re-run with the same inputs gives the same command.
 */
export function k3sAgentArgs(bin: string, dataDir: string, tokenFile: string, j: K3sJoin): string[] {
  const argv = [bin, "agent", `--server=${j.server}`, `--token-file=${tokenFile}`, `--node-name=${j.nodeName}`, `--node-ip=${j.nodeIp}`, `--flannel-iface=${j.flannelIface}`, `--data-dir=${dataDir}`];
  for (const [k, v] of Object.entries(j.labels).sort(([a], [b]) => a.localeCompare(b))) argv.push(`--node-label=${k}=${v}`);
  for (const t of j.taints) argv.push(`--node-taint=${t}`);
  if (j.defaultRuntime) argv.push(`--default-runtime=${j.defaultRuntime}`);
  return argv;
}

export interface K3sAgentOptions {
  bin: string;
  dataDir: string;
  log: (event: string, fields?: Record<string, unknown>) => void;
}

/**
 * K3sAgent runs and supervises the k3s agent (the kubelet) as a child of the agent daemon: it restarts it
 * with backoff when it exits on its own, and stops it on leave or shutdown.
 */
export class K3sAgent {
  private child: Subprocess | null = null;
  private wanted: string[] | null = null;
  private restarts = 0;
  private output = "";

  constructor(private readonly o: K3sAgentOptions) {}

  /** start (re)starts the agent with these settings; the token goes to a 0600 file in the data dir. */
  async start(j: K3sJoin): Promise<void> {
    mkdirSync(this.o.dataDir, { recursive: true, mode: 0o700 });
    const tokenFile = join(this.o.dataDir, "token");
    // A restart after the daemon's own restart has no new token: the agent authenticates with what it kept.
    if (j.token) writeFileAtomic(tokenFile, j.token);
    await this.stop();
    this.wanted = k3sAgentArgs(this.o.bin, this.o.dataDir, tokenFile, j);
    this.restarts = 0;
    this.spawn();
  }

  /** available says whether the k3s binary runs here at all, with the fix when not. */
  async available(): Promise<{ ok: true } | { ok: false; problem: string; fix: string }> {
    // The probe's command runner, loaded on first use as the tailscale driver does.
    const { runCommand } = await import("../probe/default-sources.ts");
    const r = await runCommand([this.o.bin, "--version"], 10_000);
    if (r.notFound) return { ok: false, problem: `k3s is not installed (${this.o.bin} not found)`, fix: K3S_INSTALL_FIX };
    if (r.code !== 0) return { ok: false, problem: `k3s does not run: ${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? `exit code ${r.code}`}`, fix: K3S_INSTALL_FIX };
    return { ok: true };
  }

  /** running says whether the k3s agent process is up now. */
  running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** recentOutput is the tail of what k3s printed, for an error message. */
  recentOutput(): string {
    return this.output.slice(-2000);
  }

  /** exitedWithin waits up to ms for the agent to exit by itself and returns its code, or null if it kept running. */
  async exitedWithin(ms: number): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    const code = await Promise.race([child.exited, Bun.sleep(ms).then(() => null)]);
    return code;
  }

  async stop(): Promise<void> {
    this.wanted = null;
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM");
    const code = await Promise.race([child.exited, Bun.sleep(15_000).then(() => null)]);
    if (code === null) child.kill("SIGKILL");
  }

  private spawn(): void {
    const argv = this.wanted;
    if (!argv) return;
    let child: Subprocess<"ignore", "pipe", "pipe">;
    try {
      child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    } catch (err) {
      this.output += `\n${argv[0]} could not be started: ${(err as Error).message}`;
      this.o.log("k3s agent not started", { error: (err as Error).message });
      return;
    }
    this.child = child;
    this.o.log("k3s agent started", { pid: child.pid, node: argv.find((a) => a.startsWith("--node-name="))?.slice(12) });
    for (const stream of [child.stdout, child.stderr]) void this.collect(stream);
    void child.exited.then((code) => {
      if (this.child !== child || this.wanted !== argv) return;
      this.child = null;
      this.restarts++;
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(this.restarts, 6));
      this.o.log("k3s agent exited", { code, restartInMs: delay, output: this.output.split("\n").filter(Boolean).at(-1) });
      setTimeout(() => {
        if (this.wanted === argv && !this.child) this.spawn();
      }, delay).unref();
    });
  }

  private async collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      this.output = (this.output + decoder.decode(value, { stream: true })).slice(-8000);
    }
  }
}
