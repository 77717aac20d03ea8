import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../state/atomic-file.ts";
import type { RunResult } from "../probe/sources.ts";

// agent/join: bringing the device onto its region's tailnet and into its cluster, and back out. Drivers
// for the two programs that do it (tailscale, the k3s agent) and the sequence that runs them. Secrets reach
// them through 0600 files, never argv. Imports protocol and agent/state only; nothing of the registry.

/** run is the probe's command runner, loaded on first use so an idle daemon does not carry it. */
async function run(argv: string[], timeoutMs: number): Promise<RunResult> {
  const { runCommand } = await import("../probe/default-sources.ts");
  return runCommand(argv, timeoutMs);
}

/** lastLine is the most telling line of a program's complaint, for an error message. */
function lastLine(r: RunResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? (r.timedOut ? "timed out" : `exit code ${r.code}`);
}

/** How long a nudged tailscaled gets to reach Running. */
const NUDGE_WAIT_MS = 20_000;

/** TailscaleOptions say which tailscale CLI to run and which tailscaled it talks to. */
export interface TailscaleOptions {
  bin: string;
  /** tailscaled's socket; null = the system's default. */
  socket: string | null;
  /** Where the one-time auth key file is written (and removed again). */
  secretsDir: string;
}

/** TailnetUp is the device on the tailnet. */
export interface TailnetUp {
  ipv4: string;
}

/** Tailscale drives `tailscale` against the running tailscaled. */
export class Tailscale {
  constructor(private readonly o: TailscaleOptions) {}

  private argv(args: string[]): string[] {
    return [this.o.bin, ...(this.o.socket ? [`--socket=${this.o.socket}`] : []), ...args];
  }

  /**
   * up logs in to the region's Headscale with the single-use key. The key itself carries the device's tags
   * (the region's policy lets no client claim a tag on its own), so none are advertised here. The key goes through a 0600 file
   * (`--auth-key=file:…`), so it never shows in the process list, and the file is removed afterwards.
   */
  async up(input: { loginServer: string; authKey: string; hostname: string; nudgePeer?: string }): Promise<TailnetUp> {
    const keyFile = join(this.o.secretsDir, "tailnet-auth-key");
    writeFileAtomic(keyFile, input.authKey);
    try {
      const r = await run(
        this.argv([
          "up",
          `--login-server=${input.loginServer}`,
          `--auth-key=file:${keyFile}`,
          `--hostname=${input.hostname}`,
          // The home's own DNS and firewall stay as they are: the cluster needs neither.
          "--accept-dns=false",
          "--netfilter-mode=off",
          // Re-running join replaces earlier settings instead of failing on them.
          "--reset",
          "--timeout=90s",
        ]),
        120_000,
      );
      if (r.code !== 0 && !(await this.nudged(input.nudgePeer))) throw new Error(`tailscale up failed: ${lastLine(r)}`);
    } finally {
      rmSync(keyFile, { force: true });
    }
    const ipv4 = await this.ipv4();
    if (!ipv4) throw new Error("tailscale is up but reports no tailnet IPv4 address");
    return { ipv4 };
  }

  /**
   * nudged gets a tailscaled that logged in but sat in "Starting" (it had its netmap, yet never went
   * Running: seen about once in 260 joins) going, by pinging a peer over the tailnet's own protocol; the
   * single-use key is spent by then, so running `up` again could not help. True once it is Running.
   */
  private async nudged(peer: string | undefined): Promise<boolean> {
    if (!peer || (await this.backendState()) !== "Starting") return false;
    await run(this.argv(["ping", "--tsmp", "-c", "1", "--timeout=5s", peer]), 15_000);
    const until = Date.now() + NUDGE_WAIT_MS;
    while (Date.now() < until) {
      if ((await this.backendState()) === "Running") return true;
      await Bun.sleep(250);
    }
    return false;
  }

  /** backendState is tailscaled's state as `tailscale status` reports it (Running, Starting, NeedsLogin…), or null. */
  private async backendState(): Promise<string | null> {
    const r = await run(this.argv(["status", "--json"]), 10_000);
    try {
      return (JSON.parse(r.stdout) as { BackendState?: string }).BackendState ?? null;
    } catch {
      return null;
    }
  }

  /** ipv4 is this device's tailnet address, or null when it is not on a tailnet. */
  async ipv4(): Promise<string | null> {
    const r = await run(this.argv(["ip", "-4"]), 15_000);
    if (r.code !== 0) return null;
    return r.stdout.trim().split("\n")[0]?.trim() || null;
  }

  /** logout leaves the tailnet and forgets this device's tailnet identity. */
  async logout(): Promise<void> {
    const r = await run(this.argv(["logout"]), 30_000);
    // Already logged out is where we want to be.
    if (r.code !== 0 && !/not logged in|NeedsLogin|logged out/i.test(`${r.stdout}${r.stderr}`)) throw new Error(`tailscale logout failed: ${lastLine(r)}`);
  }

  /** available says whether tailscale and its daemon answer at all, with the fix when not. */
  async available(): Promise<{ ok: true } | { ok: false; problem: string; fix: string }> {
    const r = await run(this.argv(["version"]), 10_000);
    if (r.notFound) return { ok: false, problem: `tailscale is not installed (${this.o.bin} not found)`, fix: "install Tailscale (https://tailscale.com/download/linux) and start tailscaled, then join again" };
    const s = await run(this.argv(["status", "--json"]), 10_000);
    if (s.code !== 0 && /connect|socket|no such file/i.test(s.stderr)) return { ok: false, problem: "tailscaled is not running", fix: "start it: sudo systemctl enable --now tailscaled" };
    return { ok: true };
  }
}
