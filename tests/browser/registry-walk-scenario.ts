// The setup wizard walked in Debian chromium against a real registry process, as owners would: a wrong
// claim code refused at join and sent back to the claim step, a first computer that takes the region's
// one place (assigned, then online once its telemetry arrives), and a second computer that finds the
// region full and waits in line with its position on the dashboard. This file runs under Node, not Bun:
// registry-walk.test.ts bundles it and starts it (support/node-scenario.ts says why).
//
// Input: a JSON object in SCENARIO_INPUT (RegistryWalkInput).
// Output: one JSON line per step on stdout, {"step", "ok", "error"?}, and nothing else.
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { DESKTOP, openBrowser, PHONE, runSteps, sidewaysOverflow } from "./support/scenario-browser.ts";
import { STEPS, type RegistryWalkInput, type Step, type WalkDevice } from "./registry-walk-steps.ts";

async function main(input: RegistryWalkInput): Promise<void> {
  const { problems, newPage, shot, close } = await openBrowser(input.chromiumPath, input.shots);
  const reg = input.registry;

  const arrive = async (page: Page, path: string) => {
    await page.waitForURL((u) => u.pathname === path);
    await page.waitForLoadState("networkidle");
  };
  const textOf = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const includesAll = (text: string, parts: string[], where: string) => {
    for (const part of parts) assert.ok(text.includes(part), `${where} lacks "${part}":\n${text}`);
  };
  const regionChoice = (page: Page) => page.locator("label.choice", { hasText: reg.regionName });

  /** bothSizes keeps a desktop shot of the page, then opens it at phone width too: it must fit, and is kept. */
  const bothSizes = async (desktop: { context: BrowserContext; page: Page }, name: string) => {
    await shot(desktop.page, `desktop-${name}`);
    const phone = await newPage(PHONE);
    await phone.context.addCookies(await desktop.context.cookies());
    await phone.page.goto(desktop.page.url());
    await phone.page.waitForLoadState("networkidle");
    const overflow = await sidewaysOverflow(phone.page);
    assert.equal(overflow, 0, `${new URL(desktop.page.url()).pathname} scrolls sideways by ${overflow}px at phone width`);
    await shot(phone.page, `phone-${name}`);
    await phone.context.close();
  };

  /** toClaim walks welcome → hardware → benchmark (quick, really run) to the claim step. */
  const toClaim = async (page: Page, device: WalkDevice) => {
    await page.goto(`${device.url}/welcome`);
    await page.getByLabel("Setup code").fill(device.setupCode);
    await page.getByRole("button", { name: "Open setup" }).click();
    await arrive(page, "/hardware");
    // The hostname is the owner's machine's, so it may hold anything, markup included: it shows as text.
    assert.equal(await page.locator("dd").getByText(device.hostname, { exact: true }).count(), 1, `the hardware step does not show the hostname "${device.hostname}" as text`);
    await page.getByRole("button", { name: "Continue to benchmark" }).click();
    await arrive(page, "/benchmark");
    await page.getByRole("button", { name: "Run quick benchmark" }).click();
    await page.getByRole("heading", { name: "Results" }).waitFor({ timeout: 90_000 });
    await page.getByRole("button", { name: "Continue to owner" }).click();
    await arrive(page, "/claim");
  };

  /** claim types the registry's address and a claim code; a registry that answers leads to the region step. */
  const claim = async (page: Page, claimCode: string) => {
    await page.getByLabel("Registry address").fill(reg.url);
    await page.getByLabel("Claim code").fill(claimCode);
    await page.getByRole("button", { name: "Save and continue" }).click();
    await arrive(page, "/region");
  };

  /** regionAutoShareJoin keeps the nearest region and the default share, and starts the join. */
  const regionAutoShareJoin = async (page: Page) => {
    await page.getByRole("radio", { name: /Nearest region/ }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await arrive(page, "/share");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await arrive(page, "/join");
    await page.getByRole("button", { name: /Join the network|Try joining again/ }).click();
  };

  /** finished waits for the join to end well under `title` and returns what the agent did, line by line. */
  const finished = async (page: Page, title: string) => {
    await page.locator("#join-panel .alert").getByText(title, { exact: true }).waitFor({ timeout: 30_000 });
    return page.locator("#join-panel ol.events li").allInnerTexts();
  };

  const first = await newPage(DESKTOP);

  const steps: Record<Step, () => Promise<void>> = {
    async "to-claim"() {
      await toClaim(first.page, input.first);
      assert.equal(await first.page.getByText("No registry is set yet").isVisible(), true);
    },
    async "claim-and-region"() {
      const { page } = first;
      // The owner mistypes the claim code; only the registry can tell, and it does so at check-in.
      await claim(page, input.wrongClaimCode);
      // The region list is the registry's own: its one region, open, with its Akash location code.
      assert.equal(await page.locator("#registry-status").count(), 0, "the region page shows a registry problem although the registry answers");
      includesAll(await regionChoice(page).innerText(), [reg.regionName, reg.locationRegion, "Open for new computers."], "the region's choice");
      assert.equal(await page.getByRole("radio", { name: /Nearest region/ }).isChecked(), true, "the nearest region is not the default");
      await bothSizes(first, "registry-05-region-open");
    },
    async share() {
      const { page } = first;
      await page.getByRole("button", { name: "Continue" }).click();
      await arrive(page, "/share");
      await page.getByRole("button", { name: "Save and continue" }).click();
      await arrive(page, "/join");
      includesAll(await textOf(page, "#join-summary-title + dl"), [reg.url, "claim code saved; confirmed at check-in", "Nearest region, picked at check-in"], "the join summary");
    },
    async "wrong-claim"() {
      const { page } = first;
      await page.getByRole("button", { name: "Join the network" }).click();
      await page.getByText("Joining did not finish").waitFor({ timeout: 30_000 });
      const panel = await textOf(page, "#join-panel");
      includesAll(panel, ["The registry refused this device: this claim code does not exist.", "What to do:", "Check the code for typos, or make a new one in the owner portal."], "the refused join");
      const back = page.locator("#join-panel").getByRole("link", { name: "Go to owner" });
      assert.equal(await back.getAttribute("href"), "/claim");
      await bothSizes(first, "registry-07-join-claim-refused");
      await back.click();
      await arrive(page, "/claim");
      // The claim step shows the registry answering, keeps its address, and asks for a new code.
      includesAll(await textOf(page, "#registry-status"), ["Registry reachable", reg.url], "the claim step's registry status");
      assert.equal(await page.getByLabel("Registry address").inputValue(), reg.url);
      assert.equal(await page.getByLabel("Claim code").inputValue(), "");
      assert.equal(await page.getByLabel("Claim code").getAttribute("required"), "", "the refused code still counts as saved");
      await bothSizes(first, "registry-04-claim-reachable");
    },
    async "join-assigned"() {
      const { page } = first;
      await claim(page, input.first.claimCode);
      await regionAutoShareJoin(page);
      const events = await finished(page, "This computer has joined");
      assert.ok(events.includes(`assigned to ${reg.regionName} (${reg.regionId})`), `the join's lines do not say where it went:\n${events.join("\n")}`);
      await bothSizes(first, "registry-07-join-assigned");
      await page.getByRole("link", { name: "Open the dashboard" }).click();
      await arrive(page, "/dashboard");
      const connection = await textOf(page, "section[aria-labelledby=conn-title]");
      includesAll(connection, [reg.regionName, "Reachable", reg.url, input.owner], "the dashboard's connection card");
      assert.equal(await page.getByText("Waiting list").count(), 0, "an assigned device shows a waiting list");
      // Assigned reads "Joining" until the first heartbeat's answer says online, often within milliseconds.
      assert.match(await textOf(page, ".page-head .pill"), /^(Joining|Online)$/);
    },
    async online() {
      const { page } = first;
      // The registry marks the device online when its first heartbeat arrives; the agent learns that from
      // the answer to its telemetry, and the dashboard shows it on the next load.
      const deadline = Date.now() + 30_000;
      while (!(await textOf(page, ".page-head")).includes("Online") && Date.now() < deadline) {
        await page.waitForTimeout(500);
        await page.reload();
      }
      includesAll(await textOf(page, ".page-head"), ["Online", "This computer is part of its region and can receive work."], "the dashboard's heading");
      assert.match(await textOf(page, "section[aria-labelledby=device-title]"), /ready, 1 warning(?!s)/);
      await bothSizes(first, "registry-08-dashboard-online");
      await first.context.close();
    },
    async waitlisted() {
      const second = await newPage(DESKTOP);
      const { page } = second;
      await toClaim(page, input.second);
      await claim(page, input.second.claimCode);
      includesAll(await regionChoice(page).innerText(), [reg.regionName, "Full right now: you join its waiting list and move in when a place opens."], "the full region's choice");
      await bothSizes(second, "registry-05-region-full");
      await regionAutoShareJoin(page);
      // In line is not in the region: the page must not say the computer joined.
      const events = await finished(page, "Checked in: this computer is on the waiting list");
      assert.equal(await page.getByText("This computer has joined").count(), 0);
      assert.ok(events.some((e) => e.startsWith("waitlisted in area ") && e.includes("position 1 of 1")), `the join's lines do not give the place in line:\n${events.join("\n")}`);
      await bothSizes(second, "registry-07-join-waitlisted");
      await page.getByRole("link", { name: "Open the dashboard" }).click();
      await arrive(page, "/dashboard");
      includesAll(await textOf(page, ".page-head"), ["On the waiting list"], "the dashboard's heading");
      assert.equal(await page.locator("h1").innerText(), input.second.hostname);
      assert.equal(await page.locator("h1 *").count(), 0, "the hostname's markup became elements");
      const row = page.locator("section[aria-labelledby=conn-title] dl.facts > div", { hasText: "Waiting list" });
      assert.match(await row.locator("dd").innerText(), /^Position 1 of 1 in area \S+/);
      includesAll(await textOf(page, "section[aria-labelledby=conn-title]"), ["not assigned yet", "Reachable"], "the waiting device's connection card");
      await bothSizes(second, "registry-08-dashboard-waitlisted");
      await second.context.close();
    },
    async "no-browser-problems"() {
      assert.deepEqual(problems, []);
    },
  };

  await runSteps(STEPS, steps);
  await close();
}

if (process.env.SCENARIO_INPUT) {
  await main(JSON.parse(process.env.SCENARIO_INPUT) as RegistryWalkInput);
}
