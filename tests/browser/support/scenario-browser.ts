// The Node side of a browser scenario: Debian chromium launched by playwright-core, pages that collect
// whatever the browser reports as broken, screenshots, and the step loop that prints one JSON line per
// step. Runs under Node (node-scenario.ts says why), so it imports only node:* and playwright-core.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export type Viewport = typeof DESKTOP;

/** StepResult is one line a scenario prints: {"step", "ok", "error"?}. */
export interface StepResult<S extends string = string> {
  step: S;
  ok: boolean;
  error?: string;
}

export interface ScenarioBrowser {
  browser: Browser;
  /** Anything the browser reported as broken on any page: CSP violations, script errors, failed requests. */
  problems: string[];
  newPage(size: Viewport): Promise<{ context: BrowserContext; page: Page }>;
  /** shot saves a full-page screenshot as <shots>/<name>.png. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(chromiumPath: string, shots: string): Promise<ScenarioBrowser> {
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "akash-home-chromium-"));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--disk-cache-dir=${join(profile, "cache")}`],
  });
  const problems: string[] = [];
  return {
    browser,
    problems,
    async newPage(size) {
      const context = await browser.newContext({ viewport: size, isMobile: size.width < 600, hasTouch: size.width < 600 });
      const page = await context.newPage();
      page.on("console", (m) => {
        // Refused forms (wrong code, bad input) answer 4xx on purpose; the browser logs those as errors.
        if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("requestfailed", (r) => {
        // A request the browser itself cancelled because the walk navigated on is not the page's fault.
        if (r.failure()?.errorText === "net::ERR_ABORTED") return;
        problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
      });
      return { context, page };
    },
    async shot(page, name) {
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * runSteps runs the steps in order and prints one StepResult line for each. Each step builds on the one
 * before, so after a failure the rest are reported as not run.
 */
export async function runSteps<S extends string>(order: readonly S[], steps: Record<S, () => Promise<void>>): Promise<void> {
  let failed: S | null = null;
  for (const step of order) {
    if (failed) {
      console.log(JSON.stringify({ step, ok: false, error: `not run: "${failed}" failed first` } satisfies StepResult<S>));
      continue;
    }
    try {
      await steps[step]();
      console.log(JSON.stringify({ step, ok: true } satisfies StepResult<S>));
    } catch (err) {
      failed = step;
      console.log(JSON.stringify({ step, ok: false, error: (err as Error)?.stack ?? String(err) } satisfies StepResult<S>));
    }
  }
}

/** sidewaysOverflow is how many pixels the page scrolls sideways; a page that fits says 0. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
