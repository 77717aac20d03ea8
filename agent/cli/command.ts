import type { FlagSpec } from "../config/flags.ts";

/** Output is where a command writes; tests pass buffers, main passes the process streams. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colour, progress bars). */
  isTty: boolean;
}

/** CommandContext is what a subcommand gets: resolved flag values, positionals and where to print. */
export interface CommandContext {
  values: Record<string, string | boolean | number | undefined>;
  positionals: string[];
  io: Output;
  env: NodeJS.ProcessEnv;
}

/** Command declares one subcommand: its flags (data), and run, which returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  run(ctx: CommandContext): Promise<number>;
}

/** EXIT codes: 0 ok, 1 failure, 2 usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
