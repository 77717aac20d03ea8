import { envName } from "../config/flags.ts";
import { configFlag } from "../config/common-flags.ts";
import type { Command } from "./command.ts";
import { COMMANDS } from "./commands.ts";

/** helpText lists every subcommand. */
export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "akash-home: share this computer with the Akash network.",
    "",
    "Usage: akash-home <command> [flags]",
    "",
    "Commands:",
    ...lines,
    `  ${"registry".padEnd(width)}  run the registry devices check into (see "akash-home registry --help")`,
    "",
    'Every flag --foo-bar can also be set as AKASH_HOME_FOO_BAR or as "foo-bar" in the config file;',
    "a flag wins over the environment, which wins over the file.",
    'Run "akash-home <command> --help" for its flags.',
    "",
  ].join("\n");
}

/** commandHelp shows one subcommand's usage and flags with their environment twins. */
export function commandHelp(command: Command): string {
  const flags = [...command.flags, configFlag];
  const left = flags.map((f) => `--${f.name}${f.kind === "boolean" ? "" : " " + (f.placeholder ?? "VALUE")}`);
  const width = Math.max(...left.map((l) => l.length));
  const rows = flags.map((f, i) => {
    const def = f.default !== undefined && f.default !== false ? ` (default ${f.default})` : "";
    return `  ${left[i]!.padEnd(width)}  ${f.help}${def} [${envName(f.name)}]`;
  });
  return [`Usage: ${command.usage}`, "", command.summary, "", "Flags:", ...rows, ""].join("\n");
}
