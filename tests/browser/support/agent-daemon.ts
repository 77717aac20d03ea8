// Runs the real agent daemon (`akash-home agent`) from source on a private state dir and port, the way
// an owner's machine runs it, and reads its setup code the way the owner does: `akash-home status --json`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../../support/free-port.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const BUN = process.execPath;

export interface AgentDaemon {
  url: string;
  port: number;
  stateDir: string;
  /** cli runs `akash-home <args…>` against this daemon (its state dir and config) and returns what it printed. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Everything the daemon wrote, for the failure message. */
  output(): string;
  setupCode(): Promise<string>;
  stop(): Promise<void>;
}

/** startAgentDaemon starts the daemon, after `prepare` has seeded its state dir, and waits for its page. */
export async function startAgentDaemon(prepare: (stateDir: string) => void = () => {}, daemonArgs: (stateDir: string) => string[] = () => []): Promise<AgentDaemon> {
  const stateDir = mkdtempSync(join(tmpdir(), "akash-home-browser-"));
  prepare(stateDir);
  // An empty config file and no AKASH_HOME_* variables: the machine's own settings must not leak in.
  const config = join(stateDir, "test-config.json");
  writeFileSync(config, "{}\n");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AKASH_HOME_")));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = "";
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([BUN, "agent/main.ts", "agent", "--config", config, "--state-dir", stateDir, "--listen", `127.0.0.1:${port}`, ...daemonArgs(stateDir)], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env,
  });
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out += decoder.decode(value, { stream: true });
    }
  };
  void collect(child.stdout);
  void collect(child.stderr);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode} before serving its page:\n${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`the agent did not serve ${url} within 20 s:\n${out}`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    port,
    stateDir,
    output: () => out,
    async cli(args) {
      const p = Bun.spawn([BUN, "agent/main.ts", ...args, "--config", config, "--state-dir", stateDir], { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      return { code, stdout, stderr };
    },
    async setupCode() {
      const status = Bun.spawnSync([BUN, "agent/main.ts", "status", "--json", "--config", config, "--state-dir", stateDir], { cwd: ROOT, env });
      const text = status.stdout.toString();
      const code = (JSON.parse(text) as { setupCode?: string | null }).setupCode;
      if (!code) throw new Error(`\`akash-home status --json\` gave no setupCode:\n${text}\n${status.stderr.toString()}`);
      return code;
    },
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
