// agent/join: bringing the device onto its region's tailnet and into its cluster, and back out. Drivers
// for the two programs that do it (tailscale, the k3s agent) and the sequence that runs them. Secrets reach
// them through 0600 files, never argv. Imports protocol and agent/state only; nothing of the registry.

/** CommandResult is what a finished program said. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runCommand runs argv to completion (killing it after timeoutMs) and returns what it printed. */
export async function runCommand(argv: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CommandResult> {
  let child;
  try {
    child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: opts.env ?? process.env });
  } catch (err) {
    return { code: 127, stdout: "", stderr: `${argv[0]} could not be started: ${(err as Error).message}` };
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** lastLine is the most telling line of a program's complaint, for an error message. */
export function lastLine(r: CommandResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? `exit code ${r.code}`;
}
