// The setup wizard walked in Debian chromium by playwright-core, as an owner would. This file runs under
// Node, not Bun: wizard.test.ts bundles it and starts it (support/node-scenario.ts says why).
//
// Input: a JSON object in SCENARIO_INPUT (the daemons' URLs and setup codes, the screenshot dir).
// Output: one JSON line per step on stdout, {"step", "ok", "error"?}, and nothing else.
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { DESKTOP, openBrowser, PHONE, runSteps, sidewaysOverflow } from "./support/scenario-browser.ts";
import { STEPS, type ScenarioInput, type Step } from "./wizard-steps.ts";

async function main(input: ScenarioInput): Promise<void> {
  const { problems, newPage, shot, close } = await openBrowser(input.chromiumPath, input.shots);
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
        const overflow = await sidewaysOverflow(phone.page);
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

  await runSteps(STEPS, steps);
  await close();
}

if (process.env.SCENARIO_INPUT) {
  await main(JSON.parse(process.env.SCENARIO_INPUT) as ScenarioInput);
}
