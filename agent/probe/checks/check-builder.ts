import type { Check } from "../../../protocol/checks.ts";

// One way to write a check result, so every check states its id, title and whether it blocks once.

export interface CheckBuilder {
  pass(message: string): Check;
  warn(message: string, fix: string): Check;
  fail(message: string, fix: string): Check;
}

/** checkOf fixes a check's identity; blocking says whether its failure stops the device from joining. */
export function checkOf(id: string, title: string, blocking: boolean): CheckBuilder {
  return {
    pass: (message) => ({ id, title, status: "pass", message, fix: null, blocking }),
    warn: (message, fix) => ({ id, title, status: "warn", message, fix, blocking }),
    fail: (message, fix) => ({ id, title, status: "fail", message, fix, blocking }),
  };
}
