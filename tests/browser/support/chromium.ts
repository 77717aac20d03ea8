// Debian's chromium, driven by playwright-core (no browser download: the test machine has no internet).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** requireChromium fails loudly, with the command that fixes it, when the browser is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it: apt-get update && apt-get install -y chromium`);
  }
}

/** launchChromium starts a headless chromium with a fresh profile and nothing that phones home. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), "akash-home-chromium-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--disk-cache-dir=${join(profile, "cache")}`],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
