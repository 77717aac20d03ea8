import { readlinkSync } from "node:fs";

// Writing through process.stdout / process.stderr, or asking them isTTY, loads Node's stream and tty
// machinery: about 5 MB that an idling agent would carry for weeks. console writes the same bytes
// without it, and /proc tells whether a descriptor is a terminal.

/** isTerminal says whether file descriptor fd is a terminal (Linux). */
export function isTerminal(fd: 1 | 2): boolean {
  try {
    return /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(readlinkSync(`/proc/self/fd/${fd}`));
  } catch {
    return false;
  }
}

// console adds the line end itself; text that already has one must not get a second.
const line = (text: string) => (text.endsWith("\n") ? text.slice(0, -1) : text);

/** writeStdout prints text on standard output. */
export function writeStdout(text: string): void {
  console.log(line(text));
}

/** writeStderr prints text on standard error. */
export function writeStderr(text: string): void {
  console.error(line(text));
}
