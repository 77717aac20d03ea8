// agent/install: undoing what install.sh put on this machine (unit, env file, binary, state).
// Side effects go through HostOps so the logic is testable; it imports nothing of the daemon.
import { resolve } from "node:path";
import { STATE_FILES } from "../config/paths.ts";

/** InstallLayout is where install.sh put each piece. */
export interface InstallLayout {
  binary: string;
  unitFile: string;
  envFile: string;
  stateDir: string;
}

/** SERVICE is the systemd unit name install.sh uses. */
export const SERVICE = "akash-home.service";
export const DEFAULT_UNIT_FILE = `/etc/systemd/system/${SERVICE}`;
export const DEFAULT_ENV_FILE = "/etc/default/akash-home";

/** HostOps are the file-system and systemctl operations removal needs. */
export interface HostOps {
  kind(path: string): "file" | "dir" | "missing";
  list(dir: string): string[];
  /** remove deletes a file, or a directory with everything in it. */
  remove(path: string): void;
  systemdRunning(): boolean;
  systemctl(args: string[]): Promise<{ code: number; output: string }>;
}

export interface RemoveOptions {
  keepState: boolean;
  /** systemd: stop and disable the unit and remove it with its env file. */
  systemd: boolean;
}

/** Step is one thing removal will do, in order. */
export interface Step {
  what: "service" | "unit" | "env" | "binary" | "state";
  path: string;
}

/** RemovalReport says what was removed and what failed or was refused. */
export interface RemovalReport {
  removed: string[];
  problems: string[];
}

const OUR_STATE_FILES = new Set<string>(Object.values(STATE_FILES));

/** planRemoval lists the steps for what exists now; an empty plan means nothing is installed. */
export function planRemoval(layout: InstallLayout, options: RemoveOptions, ops: HostOps): Step[] {
  const steps: Step[] = [];
  const unitExists = options.systemd && ops.kind(layout.unitFile) !== "missing";
  if (unitExists && ops.systemdRunning()) steps.push({ what: "service", path: layout.unitFile });
  if (unitExists) steps.push({ what: "unit", path: layout.unitFile });
  if (options.systemd && !options.keepState && ops.kind(layout.envFile) !== "missing") steps.push({ what: "env", path: layout.envFile });
  if (ops.kind(layout.binary) !== "missing") steps.push({ what: "binary", path: layout.binary });
  if (!options.keepState && ops.kind(layout.stateDir) !== "missing") steps.push({ what: "state", path: layout.stateDir });
  return steps;
}

/** stateDirRefusal says why a state dir must not be deleted, or null when it is ours (or empty). */
function stateDirRefusal(dir: string, ops: HostOps): string | null {
  if (resolve(dir) === "/") return `not removing ${dir}: it is the root directory`;
  if (ops.kind(dir) !== "dir") return `not removing ${dir}: it is not a directory`;
  const entries = ops.list(dir);
  if (entries.length === 0 || entries.some((e) => OUR_STATE_FILES.has(e))) return null;
  return `not removing ${dir}: it holds no akash-home state (${[...OUR_STATE_FILES].join(", ")}); remove it yourself if it really is akash-home's`;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === "EACCES" || e.code === "EPERM" ? `${e.code}: run it as root (sudo akash-home uninstall)` : (e.message ?? String(err));
}

/** removeInstallation carries out the plan, going on past a failed step so one problem does not strand the rest. */
export async function removeInstallation(steps: Step[], ops: HostOps): Promise<RemovalReport> {
  const report: RemovalReport = { removed: [], problems: [] };
  const unlink = (path: string) => {
    try {
      ops.remove(path);
      report.removed.push(path);
    } catch (err) {
      report.problems.push(`could not remove ${path}: ${reason(err)}`);
    }
  };
  for (const step of steps) {
    if (step.what === "service") {
      const res = await ops.systemctl(["disable", "--now", SERVICE]);
      if (res.code === 0) report.removed.push(`${SERVICE} (stopped and disabled)`);
      else report.problems.push(`systemctl disable --now ${SERVICE} failed: ${res.output.trim() || `exit ${res.code}`}`);
    } else if (step.what === "state") {
      const refusal = stateDirRefusal(step.path, ops);
      if (refusal) report.problems.push(refusal);
      else unlink(step.path);
    } else {
      unlink(step.path);
    }
  }
  if (steps.some((s) => s.what === "service")) {
    // Drop the removed unit from systemd's memory; a failure here leaves only a stale listing.
    await ops.systemctl(["daemon-reload"]);
    await ops.systemctl(["reset-failed", SERVICE]);
  }
  return report;
}
