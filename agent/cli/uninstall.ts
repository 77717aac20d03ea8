import { dirname, isAbsolute, join } from "node:path";
import { stateDirFlag } from "../config/common-flags.ts";
import { isCompiledBinary } from "../build-info.ts";
import { UsageError, type FlagSpec } from "../config/flags.ts";
import { hostOps } from "../install/host-ops.ts";
import { DEFAULT_ENV_FILE, DEFAULT_UNIT_FILE, SERVICE, planRemoval, removeInstallation, type HostOps, type InstallLayout, type Step } from "../install/remove-installation.ts";
import { EXIT, type Command, type CommandContext } from "./command.ts";

/** defaultPrefix is the prefix of the running binary (…/bin/akash-home) when compiled, else /usr/local. */
function defaultPrefix(): string {
  return isCompiledBinary() ? dirname(dirname(process.execPath)) : "/usr/local";
}

function parsePrefix(raw: string, source: string): string {
  if (!isAbsolute(raw)) throw new UsageError(`${source}: "${raw}" is not an absolute path; use e.g. /usr/local`);
  return raw;
}

const keepStateFlag: FlagSpec = { name: "keep-state", kind: "boolean", help: "keep the state dir and env file (device key, settings) for a later reinstall", default: false };
const prefixFlag: FlagSpec = { name: "prefix", kind: "string", placeholder: "DIR", help: "where install.sh put the binary (DIR/bin/akash-home)", default: defaultPrefix(), parse: parsePrefix };
const yesFlag: FlagSpec = { name: "yes", kind: "boolean", help: "remove without asking", default: false };
const systemdFlag: FlagSpec = { name: "systemd", kind: "boolean", help: `stop, disable and remove the ${SERVICE} unit`, default: true };

const DESCRIBE: Record<Step["what"], string> = {
  service: `stop and disable ${SERVICE}`,
  unit: "the systemd unit",
  env: "the service's environment file",
  binary: "the akash-home binary",
  state: "this device's key, settings and results",
};

/** runUninstall is the command with its host operations and file locations passed in. */
export async function runUninstall(ctx: CommandContext, ops: HostOps, files = { unitFile: DEFAULT_UNIT_FILE, envFile: DEFAULT_ENV_FILE }): Promise<number> {
  const { values, io } = ctx;
  const options = { keepState: values["keep-state"] === true, systemd: values.systemd !== false };
  const layout: InstallLayout = { ...files, binary: join(values.prefix as string, "bin", "akash-home"), stateDir: values["state-dir"] as string };
  const steps = planRemoval(layout, options, ops);
  const kept = options.keepState ? [layout.stateDir, ...(options.systemd ? [layout.envFile] : [])].filter((p) => ops.kind(p) !== "missing") : [];
  if (steps.length === 0) {
    io.out(`akash-home is not installed here: nothing to remove at ${layout.binary}, ${layout.unitFile} or ${layout.stateDir}.\n`);
    for (const path of kept) io.out(`kept ${path} (--keep-state)\n`);
    return EXIT.ok;
  }
  if (values.yes !== true) {
    const lines = steps.map((s) => `  ${s.what === "service" ? DESCRIBE.service : `${s.path}  (${DESCRIBE[s.what]})`}`);
    io.out(["Uninstalling would:", ...lines, ...kept.map((p) => `  keep ${p}  (--keep-state)`), ""].join("\n"));
    if (steps.some((s) => s.what === "state")) io.out('If this device joined a region, run "akash-home down" first so the region drains it.\n');
    io.err("error: nothing removed; run again with --yes to remove these\n");
    return EXIT.failure;
  }
  const report = await removeInstallation(steps, ops);
  for (const path of report.removed) io.out(`removed ${path}\n`);
  for (const path of kept) io.out(`kept ${path} (--keep-state)\n`);
  for (const problem of report.problems) io.err(`error: ${problem}\n`);
  if (report.problems.length > 0) return EXIT.failure;
  io.out("akash-home is uninstalled.\n");
  return EXIT.ok;
}

export const uninstallCommand: Command = {
  name: "uninstall",
  summary: "stop the service and remove the binary, the systemd unit and (unless --keep-state) the state",
  usage: "akash-home uninstall [--keep-state] [--prefix DIR] [--no-systemd] --yes",
  flags: [stateDirFlag, keepStateFlag, prefixFlag, yesFlag, systemdFlag],
  run: (ctx) => runUninstall(ctx, hostOps),
};
