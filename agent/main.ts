// agent/main.ts: argv dispatch only. Each subcommand lives in cli/<name>.ts; the daemon in daemon/.
import { existsSync, readFileSync } from "node:fs";
import { parseArgv, resolveFlags, UsageError, envName } from "./config/flags.ts";
import { configFlag, helpFlag } from "./config/common-flags.ts";
import { EXIT, type Command, type Output } from "./cli/command.ts";
import { COMMANDS, findCommand } from "./cli/commands.ts";
import { helpText, commandHelp } from "./cli/help.ts";
import { isTerminal, writeStderr, writeStdout } from "./daemon/console-streams.ts";

function readConfigFile(path: string, explicit: boolean): Record<string, unknown> {
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`config file ${path} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`config file ${path} must hold a JSON object of flag names to values`);
  return parsed as Record<string, unknown>;
}

/** runCli runs one invocation and returns its exit code; it never throws. */
export async function runCli(argv: string[], io: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: Command | undefined;
  try {
    const first = argv[0];
    if (first === "--help" || first === "-h") {
      io.out(helpText());
      return EXIT.ok;
    }
    // No command, or flags only, means the agent: what the systemd unit and a bare `akash-home` run.
    const name = first === undefined || first.startsWith("-") ? "agent" : first;
    const rest = first === undefined || first.startsWith("-") ? argv : argv.slice(1);
    command = findCommand(name);
    if (!command) {
      io.err(`error: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")} (see "akash-home help")\n`);
      return EXIT.usage;
    }
    const specs = [...command.flags, configFlag, helpFlag];
    const { given, positionals } = parseArgv(rest, specs, command.name);
    if (given.get("help") === true) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    const configPath = (given.get("config") as string | undefined) ?? env[envName("config")] ?? (configFlag.default as string);
    const explicitConfig = given.has("config") || Boolean(env[envName("config")]);
    const fileValues = readConfigFile(configPath, explicitConfig);
    const { values } = resolveFlags(given, specs, env, fileValues, configPath);
    return await command.run({ values, positionals, io, env });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    io.err(`error: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT.failure;
  }
}

if (import.meta.main) {
  const io: Output = {
    out: writeStdout,
    err: writeStderr,
    isTty: isTerminal(1),
  };
  const code = await runCli(process.argv.slice(2), io);
  // runCli returns when the command is done; for the agent, when it was told to stop.
  process.exitCode = code;
}
