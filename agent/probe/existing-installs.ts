import type { ProbeSources } from "./sources.ts";

// k3s or tailscale already on the machine. Joining installs and configures both, so the owner must hear
// beforehand what happens to the copies they have.

export interface ExistingInstall {
  /** Full paths of the programs found. */
  binaries: string[];
  /** systemd unit files found, by unit name. */
  units: string[];
  /** Names of matching running processes. */
  running: string[];
  /** Uninstall scripts the k3s installer leaves, by full path. */
  uninstallers: string[];
}

const UNIT_DIRS = ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];

/** runningProcessNames reads /proc/<pid>/comm for every process (names are visible to all users). */
export async function runningProcessNames(sources: ProbeSources): Promise<string[]> {
  const pids = ((await sources.listDir("/proc")) ?? []).filter((e) => /^\d+$/.test(e));
  const names = await Promise.all(pids.map((pid) => sources.readText(`/proc/${pid}/comm`)));
  return [...new Set(names.filter((n): n is string => n !== null).map((n) => n.trim()))];
}

async function findInstall(sources: ProbeSources, programs: string[], units: string[], process: RegExp, processes: string[], uninstallers: string[] = []): Promise<ExistingInstall> {
  const binaries = (await Promise.all(programs.map((p) => sources.which(p)))).filter((p): p is string => p !== null);
  const foundUnits: string[] = [];
  for (const unit of units) {
    for (const dir of UNIT_DIRS) {
      if (await sources.exists(`${dir}/${unit}`)) {
        foundUnits.push(unit);
        break;
      }
    }
  }
  const foundUninstallers = [];
  for (const path of uninstallers) if (await sources.exists(path)) foundUninstallers.push(path);
  return { binaries, units: foundUnits, running: processes.filter((p) => process.test(p)), uninstallers: foundUninstallers };
}

export function isPresent(install: ExistingInstall): boolean {
  return install.binaries.length + install.units.length + install.running.length > 0;
}

export function readK3s(sources: ProbeSources, processes: string[]): Promise<ExistingInstall> {
  return findInstall(sources, ["k3s"], ["k3s.service", "k3s-agent.service"], /^k3s(-server|-agent)?$/, processes, [
    "/usr/local/bin/k3s-uninstall.sh",
    "/usr/local/bin/k3s-agent-uninstall.sh",
  ]);
}

export function readTailscale(sources: ProbeSources, processes: string[]): Promise<ExistingInstall> {
  return findInstall(sources, ["tailscale", "tailscaled"], ["tailscaled.service"], /^tailscaled$/, processes);
}
