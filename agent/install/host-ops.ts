import { existsSync, lstatSync, readdirSync, rmSync } from "node:fs";
import type { HostOps } from "./remove-installation.ts";

/** hostOps acts on this machine: node:fs for files, the systemctl binary for systemd. */
export const hostOps: HostOps = {
  kind(path) {
    try {
      // lstat: a symlinked state dir is removed as a link, never followed into its target.
      return lstatSync(path).isDirectory() ? "dir" : "file";
    } catch {
      return "missing";
    }
  },
  list: (dir) => readdirSync(dir),
  remove: (path) => rmSync(path, { recursive: true }),
  // As sd_booted(3) does: systemd is running when /run/systemd/system exists.
  systemdRunning: () => existsSync("/run/systemd/system"),
  async systemctl(args) {
    try {
      const proc = Bun.spawn(["systemctl", ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, output: out + err };
    } catch (err) {
      return { code: 127, output: `systemctl: ${(err as Error).message}` };
    }
  },
};
