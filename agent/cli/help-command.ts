import { EXIT, type Command } from "./command.ts";

// help.ts imports the command list, which imports this file: load it lazily to keep the cycle harmless.
export const helpCommand: Command = {
  name: "help",
  summary: "show help for akash-home or one command",
  usage: "akash-home help [command]",
  flags: [],
  async run({ positionals, io }) {
    const { helpText, commandHelp } = await import("./help.ts");
    const { findCommand } = await import("./commands.ts");
    const name = positionals[0];
    if (!name) {
      io.out(helpText());
      return EXIT.ok;
    }
    const command = findCommand(name);
    if (!command) {
      io.err(`error: unknown command "${name}"; see "akash-home help"\n`);
      return EXIT.usage;
    }
    io.out(commandHelp(command));
    return EXIT.ok;
  },
};
