// The setup wizard walked in Debian chromium by playwright-core, as an owner would. This file runs under
// Node, not Bun (wizard.test.ts bundles it and starts it): Playwright's client under Bun now and then
// handles a response after the request it belongs to was disposed ("Cannot find parent object
// request@…") and the browser session dies mid-walk; under Node it does not.
//
// Input: a JSON object in SCENARIO_INPUT (the daemons' URLs and setup codes, the screenshot dir).
// Output: one JSON line per step on stdout, {"step", "ok", "error"?}, and nothing else.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { STEPS, type ScenarioInput, type Step } from "./wizard-steps.ts";



const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function main(input: ScenarioInput): Promise<void> {
  mkdirSync(input.shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "akash-home-chromium-"));
  const browser: Browser = await chromium.launch({
    executablePath: input.chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--disk-cache-dir=${join(profile, "cache")}`],
  });
  /** Anything the browser reports as broken: CSP violations, script errors, failed requests. */
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(input.shots, `${name}.png`), fullPage: true });
  const newPage = async (size: { width: number; height: number }) => {
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
  };

  const { url, code } = input.wizard;
  let { context, page }: { context: BrowserContext; page: Page } = await newPage(DESKTOP);
  const visited: { name: string; path: string }[] = [];
  const at = async (name: string, path: string) => {
    await page.waitForURL((u) => u.pathname === path);
    await page.waitForLoadState("networkidle");
    visited.push({ name, path });
    await shot(page, `desktop-${name}`);
  };
  const visible = async (text: string) => assert.equal(await page.getByText(text).first().isVisible(), true, `"${text}" is not visible`);

  const steps: Record<Step, () => Promise<void>> = {
    async welcome() {
      await page.goto(`${url}/welcome`);
      assert.equal(await page.title(), "Set up this computer for Akash · Akash at Home");
      await shot(page, "desktop-01-welcome");
      await page.getByLabel("Setup code").fill("WRONG-CODE");
      await page.getByRole("button", { name: "Open setup" }).click();
      await page.getByText("That code is not right").waitFor();
      await page.getByLabel("Setup code").fill(code.toLowerCase());
      await page.getByRole("button", { name: "Open setup" }).click();
      await at("02-hardware", "/hardware");
    },
    async hardware() {
      assert.equal(await page.getByRole("heading", { name: "Hardware and checks" }).isVisible(), true);
      await visible("rtx4090 · 24Gi · pcie");
      await visible("sudo swapoff -a");
      await page.getByRole("button", { name: "Continue to benchmark" }).click();
      await at("03-benchmark", "/benchmark");
    },
    async benchmark() {
      const polls: string[] = [];
      page.on("request", (r) => {
        if (r.url().endsWith("/benchmark/progress")) polls.push(r.url());
      });
      await page.getByRole("button", { name: "Run quick benchmark" }).click();
      await page.locator("#bench-panel progress").waitFor({ timeout: 10_000 });
      await shot(page, "desktop-03-benchmark-running");
      await page.getByRole("heading", { name: "Results" }).waitFor({ timeout: 90_000 });
      assert.ok(polls.length > 0, "the progress partial never polled");
      await visible("work units / s");
      await visible("MB/s");
      await shot(page, "desktop-03-benchmark-results");
      await page.getByRole("button", { name: "Continue to owner" }).click();
      await at("04-claim", "/claim");
    },
    async claim() {
      await page.getByLabel("Registry address").fill("not a url");
      await page.getByLabel("Claim code").fill("ab");
      await page.getByRole("button", { name: "Save and continue" }).click();
      await page.getByText("A claim code has at least 4 characters.").waitFor();
      await visible("The registry must be a URL like https://registry.example.org.");
      await shot(page, "desktop-04-claim-invalid");
      await page.getByLabel("Registry address").fill(`http://127.0.0.1:${input.closedPort}`);
      await page.getByLabel("Claim code").fill("CLAIM-TEST-0001");
      await page.getByRole("button", { name: "Save and continue" }).click();
      const alert = page.locator("#registry-status .alert-error");
      await alert.waitFor();
      const text = await alert.innerText();
      for (const part of ["Registry not reachable", `http://127.0.0.1:${input.closedPort}`, "Reason:", "What to do:"]) assert.ok(text.includes(part), `the alert lacks "${part}": ${text}`);
      await shot(page, "desktop-04-claim-unreachable");
      await page.getByRole("link", { name: "Continue without the registry" }).click();
      await at("05-region", "/region");
    },
    async "region-share-join"() {
      assert.ok((await page.locator("#registry-status").innerText()).includes("Registry not reachable"));
      await page.getByRole("button", { name: "Continue" }).click();
      await at("06-share", "/share");
      await page.getByLabel("Processor threads").fill("0");
      await page.getByRole("button", { name: "Save and continue" }).click();
      await page.getByText("Share at least 1 CPU core").waitFor();
      await shot(page, "desktop-06-share-invalid");
      await page.getByLabel("Processor threads").fill("8");
      await page.getByRole("button", { name: "Save and continue" }).click();
      await at("07-join", "/join");
      await page.getByRole("button", { name: "Join the network" }).click();
      await page.getByText("Joining did not finish").waitFor({ timeout: 20_000 });
      assert.ok((await page.locator("#join-panel").innerText()).includes("What to do:"));
      await shot(page, "desktop-07-join-error");
    },
    async "going-back"() {
      await page.getByRole("navigation", { name: "Setup steps" }).getByRole("link", { name: "Hardware" }).click();
      await page.waitForURL((u) => u.pathname === "/hardware");
      await page.getByRole("navigation", { name: "Setup steps" }).getByRole("link", { name: "Share" }).click();
      await page.waitForURL((u) => u.pathname === "/share");
      assert.equal(await page.getByLabel("Processor threads").inputValue(), "8");
    },
    async phone() {
      const phone = await newPage(PHONE);
      await phone.page.goto(`${url}/welcome`);
      await shot(phone.page, "phone-01-welcome");
      await phone.context.addCookies(await context.cookies());
      for (const { name, path } of visited) {
        await phone.page.goto(url + path);
        await phone.page.waitForLoadState("networkidle");
        const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow}px at phone width`);
        await shot(phone.page, `phone-${name}`);
      }
      await phone.context.close();
      await context.close();
    },
    async joined() {
      let cookies: Awaited<ReturnType<BrowserContext["cookies"]>> = [];
      for (const size of [DESKTOP, PHONE]) {
        ({ context, page } = await newPage(size));
        const kind = size === DESKTOP ? "desktop" : "phone";
        if (size === DESKTOP) {
          await page.goto(`${input.joined.url}/welcome?code=${input.joined.code}`);
          await page.getByRole("button", { name: "Open setup" }).click();
          await page.waitForURL((u) => u.pathname === "/dashboard");
          await page.getByRole("button", { name: "Pause" }).click();
          await page.getByRole("button", { name: "Resume" }).waitFor();
          await page.getByRole("button", { name: "Resume" }).click();
          await page.getByRole("button", { name: "Pause" }).waitFor();
          cookies = await context.cookies();
        } else {
          await context.addCookies(cookies);
          await page.goto(`${input.joined.url}/dashboard`);
        }
        await page.getByText("No workloads yet.").waitFor();
        await shot(page, `${kind}-08-dashboard`);
        await page.goto(`${input.joined.url}/hardware`);
        // Signing in started the probe of this machine; wait for its report.
        await page.getByRole("heading", { name: "Checks", exact: true }).waitFor({ timeout: 60_000 });
        if (await page.locator("#continue-blocked").count()) {
          assert.equal(await page.getByRole("button", { name: "Continue to benchmark" }).isDisabled(), true);
          assert.ok((await page.locator("#continue-blocked").innerText()).includes("Continue is off until"));
        }
        await shot(page, `${kind}-02-hardware-this-machine`);
        await context.close();
      }
    },
    async "no-browser-problems"() {
      assert.deepEqual(problems, []);
    },
  };

  // Each step builds on the one before; after a failure the rest are reported as not run.
  let failed: Step | null = null;
  for (const step of STEPS) {
    if (failed) {
      console.log(JSON.stringify({ step, ok: false, error: `not run: "${failed}" failed first` }));
      continue;
    }
    try {
      await steps[step]();
      console.log(JSON.stringify({ step, ok: true }));
    } catch (err) {
      failed = step;
      console.log(JSON.stringify({ step, ok: false, error: (err as Error)?.stack ?? String(err) }));
    }
  }
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

if (process.env.SCENARIO_INPUT) {
  await main(JSON.parse(process.env.SCENARIO_INPUT) as ScenarioInput);
}
