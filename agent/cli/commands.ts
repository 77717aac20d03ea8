import type { Command } from "./command.ts";
import { agentCommand } from "./agent.ts";
import { upCommand } from "./up.ts";
import { statusCommand } from "./status.ts";
import { doctorCommand } from "./doctor.ts";
import { benchCommand } from "./bench.ts";
import { pauseCommand, resumeCommand } from "./pause.ts";
import { downCommand } from "./down.ts";
import { uninstallCommand } from "./uninstall.ts";
import { versionCommand } from "./version.ts";
import { helpCommand } from "./help-command.ts";

/** COMMANDS lists every subcommand in one place, in the order help shows them. */
export const COMMANDS: Command[] = [
  agentCommand,
  upCommand,
  statusCommand,
  doctorCommand,
  benchCommand,
  pauseCommand,
  resumeCommand,
  downCommand,
  uninstallCommand,
  versionCommand,
  helpCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
