import { isTerminal, writeStderr } from "./console-streams.ts";

/** Log writes one event: JSON lines for journald and files, a short readable line on a terminal. */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

/** createLogger makes a Log for one subsystem. Callers never pass secrets: log changes, not contents. */
export function createLogger(subsystem: string, write: (line: string) => void = writeStderr, tty = isTerminal(2)): Log {
  return (event, fields = {}) => {
    if (tty) {
      const extra = Object.entries(fields).map(([k, val]) => `${k}=${typeof val === "string" ? val : JSON.stringify(val)}`);
      write(`${new Date().toISOString().slice(11, 19)} ${subsystem}: ${event}${extra.length ? " " + extra.join(" ") : ""}\n`);
    } else {
      write(JSON.stringify({ time: new Date().toISOString(), subsystem, event, ...fields }) + "\n");
    }
  };
}
