// Debian's chromium for the browser tests (no browser download: the test machine has no internet).
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** requireChromium fails loudly, with the command that fixes it, when the browser is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it: apt-get update && apt-get install -y chromium`);
  }
}
