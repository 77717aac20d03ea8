// The registry's portals walked in Debian chromium, as owners and operators use them: the public network
// page and map; an expired session sent back to sign in; signing in with a wallet in the browser (a
// stand-in for Keplr's window.keplr that signs with the owner's cosmjs test wallet) and by hand (the
// message signed outside the browser, the signature pasted); the device list, its filters, pausing and
// resuming every device of a filtered page at once, a device page, pause and resume; adding a device (the
// install command, its QR code, the device appearing once it checks in) and removing it; earnings;
// signing out; the admin portal: regions, a region's devices, approve and ban with reasons, the audit log,
// offering a planned region to its first user; and the admin portal refused to an owner who operates
// nothing. Every page is kept as a desktop and a phone screenshot.
// Runs under Node: portal-walk.test.ts bundles it and starts it (support/node-scenario.ts says why).
//
// Input: a JSON object in SCENARIO_INPUT (PortalWalkInput). Output: one JSON line per step on stdout.
import assert from "node:assert/strict";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import type { BrowserContext, Page } from "playwright-core";
import { makeAdr36SignDoc } from "../../registry/accounts/adr36.ts";
import { checkIn, newDevice } from "../api/support/device-requests.ts";
import { DESKTOP, openBrowser, PHONE, runSteps, sidewaysOverflow } from "./support/scenario-browser.ts";
import { STEPS, type PortalWalkInput, type WalkWallet } from "./portal-walk-steps.ts";

async function main(input: PortalWalkInput): Promise<void> {
  const { problems, newPage, shot, close } = await openBrowser(input.chromiumPath, input.shots);
  const url = input.url;
  const dev = input.devices;

  const sign = async (w: WalkWallet, message: string) => {
    const wallet = await Secp256k1HdWallet.fromMnemonic(w.mnemonic, { prefix: "akash" });
    return (await wallet.signAmino(w.address, makeAdr36SignDoc(w.address, message))).signature;
  };

  /** withWallet makes window.keplr in every page of the context sign with the test wallet, as Keplr's signArbitrary does. */
  const withWallet = async (context: BrowserContext, w: WalkWallet) => {
    await context.exposeFunction("__testWalletSign", (message: string) => sign(w, message));
    await context.addInitScript((address: string) => {
      const sign = (window as unknown as { __testWalletSign(m: string): Promise<unknown> }).__testWalletSign;
      (window as unknown as { keplr: unknown }).keplr = {
        enable: async () => {},
        getKey: async () => ({ bech32Address: address, name: "test wallet" }),
        signArbitrary: async (_chainId: string, signer: string, data: string) => {
          if (signer !== address) throw new Error("wrong signer");
          return sign(data);
        },
      };
    }, w.address);
  };

  const arrive = async (page: Page, path: string) => {
    await page.waitForURL((u) => u.pathname === path, { timeout: 15_000 });
    await page.waitForLoadState("networkidle");
  };
  const textOf = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const includesAll = (text: string, parts: string[], where: string) => {
    for (const part of parts) assert.ok(text.includes(part), `${where} lacks "${part}":\n${text}`);
  };

  /** bothSizes keeps a desktop shot, then opens the same address at phone width: it must fit, and is kept. */
  const bothSizes = async (desktop: { context: BrowserContext; page: Page }, name: string, prepare?: (context: BrowserContext) => Promise<void>) => {
    await shot(desktop.page, `desktop-portal-${name}`);
    const phone = await newPage(PHONE);
    await prepare?.(phone.context);
    await phone.context.addCookies(await desktop.context.cookies());
    await phone.page.goto(desktop.page.url());
    await phone.page.waitForLoadState("networkidle");
    const overflow = await sidewaysOverflow(phone.page);
    assert.equal(overflow, 0, `${new URL(desktop.page.url()).pathname} scrolls sideways by ${overflow}px at phone width`);
    await shot(phone.page, `phone-portal-${name}`);
    await phone.context.close();
  };

  /** noMarkupFrom checks that the markup in the device name reached the page as text, not as an element. */
  const noMarkupFrom = async (page: Page, where: string) => {
    assert.equal(await page.locator('img[src="x"]').count(), 0, `${where}: the device name's <img> became an element`);
    assert.ok((await page.getByText(dev.denPc.name, { exact: false }).count()) >= 1, `${where} does not show the name "${dev.denPc.name}" as text`);
  };

  const owner = await newPage(DESKTOP);
  await owner.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  await withWallet(owner.context, input.owner);
  const op = await newPage(DESKTOP);
  let claimed: { id: string; code: string } | null = null;

  const steps: Record<(typeof STEPS)[number], () => Promise<void>> = {
    async network() {
      const { page } = owner;
      await page.goto(`${url}/`);
      await page.waitForLoadState("networkidle");
      includesAll(await textOf(page, "main"), ["devices online", "GPUs online", "CPU cores online", "Test West", "Test North", "near Test North"], "the network page");
      // The map is an image the registry drew; it loaded and has a size.
      const map = page.locator(".map-figure img");
      assert.ok((await map.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))) > 0, "the map image did not load");
      const svg = await (await page.request.get(`${url}/network/map.svg`)).text();
      assert.ok(svg.startsWith("<?xml") && svg.includes("<svg"), "the map is not an SVG document");
      await bothSizes(owner, "01-network");
    },
    async "session-expired"() {
      const { page, context } = owner;
      // A cookie the registry no longer knows: what a browser holds after its session ran out.
      await context.addCookies([{ name: "akash_home_session", value: "expired-session-token", url }]);
      await page.goto(`${url}/portal/devices/${dev.labPc.id}`);
      await arrive(page, "/sign-in");
      includesAll(await textOf(page, "main"), ["Your session has ended", "Sign in again"], "the sign-in page after expiry");
      assert.equal(new URL(page.url()).searchParams.get("next"), `/portal/devices/${dev.labPc.id}`);
      await bothSizes(owner, "02-session-expired");
    },
    async "sign-in-wallet"() {
      const { page } = owner;
      const button = page.getByRole("button", { name: "Sign in with Keplr" });
      await button.waitFor({ state: "visible" });
      await button.click();
      // Back where the expired session left off.
      await arrive(page, `/portal/devices/${dev.labPc.id}`);
      includesAll(await textOf(page, "h1"), ["lab-pc"], "the device page after sign-in");
    },
    async devices() {
      const { page } = owner;
      await page.getByRole("link", { name: "My devices", exact: true }).click();
      await arrive(page, "/portal");
      const main = await textOf(page, "main");
      includesAll(main, ["My devices", "lab-pc", "mini-pc", "office-pc", "Online", "Waiting for approval", "Test West", "Update available", "RTX 4090"], "the device list");
      await noMarkupFrom(page, "the device list");
      assert.ok((await page.locator("table.devices svg.strip").count()) >= 4, "each device should have an uptime strip");
      await bothSizes(owner, "03-devices");
    },
    async filter() {
      const { page } = owner;
      await page.getByLabel("Status").selectOption("online");
      await page.waitForURL((u) => u.searchParams.get("state") === "online");
      await page.waitForLoadState("networkidle");
      const rows = await page.locator("table.devices tbody tr").allInnerTexts();
      assert.equal(rows.length, 2, `two devices are online, the filtered list shows ${rows.length}:\n${rows.join("\n")}`);
      assert.ok(!rows.join("\n").includes("office-pc"), "the online filter kept a pending device");
      await bothSizes(owner, "04-devices-online");
    },
    async bulk() {
      const { page } = owner;
      // The list is filtered to the two online devices: "select all" ticks those, and the filter survives the action.
      await page.getByLabel("Select every device on this page").check();
      assert.equal(await page.locator('input[name="device"]:checked').count(), 2, "select all should tick both listed devices");
      await page.getByRole("button", { name: "Pause", exact: true }).click();
      await page.locator(".alert", { hasText: "Paused 2 devices." }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get("state"), "online", "the filter was lost after the bulk pause");
      await bothSizes(owner, "04b-devices-bulk-paused");
      await page.getByLabel("Status").selectOption("paused");
      await page.waitForURL((u) => u.searchParams.get("state") === "paused");
      await page.waitForLoadState("networkidle");
      await page.getByLabel("Select every device on this page").check();
      await page.getByRole("button", { name: "Resume", exact: true }).click();
      await page.locator(".alert", { hasText: "Resumed 2 devices." }).waitFor();
      await page.goto(`${url}/portal?state=online`);
      await page.waitForLoadState("networkidle");
      assert.equal(await page.locator("table.devices tbody tr").count(), 2, "both devices should be online again");
    },
    async device() {
      const { page } = owner;
      await page.getByRole("link", { name: "lab-pc" }).click();
      await arrive(page, `/portal/devices/${dev.labPc.id}`);
      const main = await textOf(page, "main");
      includesAll(main, ["Ready to earn", "Agent up to date", "Uptime", "Downtime", "12 h", "3 h", "Workloads now", "Resource use", "Last 24 hours", "Benchmark", "History", "Update available", "curl -fsSL"], "the device page");
      assert.equal(await page.locator("svg.strip-wide rect").count(), 120, "the device page's strip has one mark per 6 hours of 30 days");
      assert.ok((await page.locator("section[aria-labelledby=uptime-title] tbody tr").count()) >= 2, "the downtime list misses the gaps in the history");
      await bothSizes(owner, "05-device");
    },
    async "pause-resume"() {
      const { page } = owner;
      await page.getByRole("button", { name: "Pause" }).click();
      await page.locator(".lead .pill", { hasText: "Paused" }).waitFor();
      includesAll(await textOf(page, "main"), ["Paused: no new workloads", "Not earning now", "Taking workloads", "resume it with the button below"], "the device page after pausing");
      await bothSizes(owner, "06-device-paused");
      await page.getByRole("button", { name: "Resume" }).click();
      await page.locator(".lead .pill", { hasText: "Online" }).waitFor();
    },
    async "add-device"() {
      const { page } = owner;
      await page.getByRole("link", { name: "Add a device" }).first().click();
      await arrive(page, "/portal/add-device");
      await bothSizes(owner, "07-add-device-empty");
      await page.getByLabel("Label (optional)").fill("study <b>pc</b>");
      await page.getByRole("button", { name: "Make a claim code" }).click();
      await page.locator("#install-command").waitFor();
      const code = (await page.locator(".claim-code").innerText()).trim();
      const command = await page.locator("#install-command").inputValue();
      assert.match(command, new RegExp(`^curl -fsSL ${url.replace(/[.]/g, "\\.")}/install\\.sh \\| AKASH_HOME_CLAIM=${code} sh -s -- --registry ${url.replace(/[.]/g, "\\.")}$`));
      assert.equal(await page.locator("svg.qr path.qr-dark").count(), 1, "no QR code of the command");
      assert.equal(await page.locator("b", { hasText: "pc" }).count(), 0, "the label's markup became an element");
      await page.getByRole("button", { name: "Copy" }).click();
      await page.getByRole("button", { name: /Copied|Press Ctrl\+C/ }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), command);
      includesAll(await textOf(page, "#claim-status"), ["Waiting for the device to check in"], "the waiting panel");
      await bothSizes(owner, "08-add-device-command");
      // The computer runs the command: its agent checks in with the code, and the page notices by itself.
      const device = newDevice();
      await checkIn(url, device, code, { hostname: "study-pc" });
      claimed = { id: device.key.id, code };
      await page.locator("#claim-status", { hasText: "Your device checked in" }).waitFor({ timeout: 15_000 });
      await bothSizes(owner, "09-add-device-checked-in");
    },
    async remove() {
      const { page } = owner;
      await page.getByRole("link", { name: "Open study-pc" }).click();
      await arrive(page, `/portal/devices/${claimed!.id}`);
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Remove from the network" }).click();
      await page.locator(".lead .pill", { hasText: "Removed" }).waitFor();
      includesAll(await textOf(page, "main"), ["Removed: the device left the network", "has left the network"], "the removed device's page");
      await bothSizes(owner, "10-device-removed");
    },
    async earnings() {
      const { page } = owner;
      await page.getByRole("link", { name: "Earnings", exact: true }).click();
      await arrive(page, "/portal/earnings");
      includesAll(await textOf(page, "main"), ["No earnings yet", "Earnings appear when an epoch closes", "Payouts go to", input.owner.address], "the earnings page before any epoch closed");
      await bothSizes(owner, "11-earnings");
      // The same view with a month of earnings, served at a portal address under the registry's CSP.
      const sample = async (context: BrowserContext) => {
        await context.route("**/portal/earnings-sample", (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers: { "content-security-policy": input.earningsSample.csp }, body: input.earningsSample.html }));
      };
      await sample(owner.context);
      await page.goto(`${url}/portal/earnings-sample`);
      await page.waitForLoadState("networkidle");
      const main = await textOf(page, "main");
      includesAll(main, ["Gross", "Fee", "Net", "Pending", "Settled", "Ledger lines: net, lab-pc", "Available 24 h 0 min", "By device", "By epoch", "Payouts", "paid", "Download CSV"], "the populated earnings page");
      const gross = page.locator(".stats .stat-value a").first();
      assert.match((await gross.getAttribute("href")) ?? "", /show=gross&denom=uakt#ledger$/);
      assert.ok((await page.locator(".chart a rect").count()) === 30, "the chart has one bar per epoch, each a link");
      assert.equal(await page.locator('img[src="x"]').count(), 0, "a device name's markup became an element");
      await bothSizes(owner, "11b-earnings-with-ledger", sample);
      await owner.context.unroute("**/portal/earnings-sample");
    },
    async "payout-address"() {
      const { page } = owner;
      await page.goto(`${url}/portal/earnings`);
      await arrive(page, "/portal/earnings");
      const field = page.getByLabel("Pay to another Akash address");
      // One character off, as a hand-typed address often is: the checksum catches it.
      const typo = `${input.operator.address.slice(0, -1)}${input.operator.address.endsWith("q") ? "p" : "q"}`;
      await field.fill(typo);
      await page.getByRole("button", { name: "Save payout address" }).click();
      await page.locator("#payout .has-error").waitFor();
      includesAll(await textOf(page, "#payout"), ["is not a valid bech32 address", "copy the address from Keplr or Leap", `Payouts go to ${input.owner.address}, the address you signed in with`], "the payout form after a mistyped address");
      assert.equal(await field.inputValue(), typo, "the mistyped address is kept in the field to correct");
      // The refused form's answer has no address of its own to open again at phone width: one shot.
      await shot(page, "desktop-portal-11c-payout-address-mistyped");
      await field.fill(input.operator.address);
      await page.getByRole("button", { name: "Save payout address" }).click();
      await page.locator(".alert", { hasText: "Saved: payouts from the next batch on go to the address below" }).waitFor();
      includesAll(await textOf(page, "#payout"), [`Payouts go to ${input.operator.address}, the payout address you set`], "the payout form after saving");
      await bothSizes(owner, "11d-payout-address-saved");
    },
    async "sign-out"() {
      const { page } = owner;
      await page.getByRole("button", { name: "Sign out" }).click();
      await arrive(page, "/sign-in");
      includesAll(await textOf(page, "main"), ["You are signed out"], "the page after signing out");
      // The old cookie opens nothing any more.
      await page.goto(`${url}/portal`);
      await arrive(page, "/sign-in");
      await bothSizes(owner, "12-signed-out");
    },
    async "sign-in-by-hand"() {
      const { page } = op;
      await page.goto(`${url}/sign-in`);
      await page.waitForLoadState("networkidle");
      // No wallet in this browser: the page says so and offers the form.
      assert.equal(await page.getByRole("button", { name: /Sign in with/ }).isVisible(), false);
      await page.getByLabel("Your Akash address").fill(input.operator.address);
      await page.getByRole("button", { name: "Get the message to sign" }).click();
      await page.locator("#sign-message").waitFor();
      const message = await page.locator("#sign-message").inputValue();
      includesAll(message, [`Address: ${input.operator.address}`, "Nonce:"], "the message to sign");
      // A wrong paste is refused with a reason, and the message stays for another try.
      await page.getByLabel("Signature").fill("not json");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.locator(".field-error").waitFor();
      await bothSizes(op, "13-sign-in-by-hand");
      const signature = await sign(input.operator, await page.locator("#sign-message").inputValue());
      await page.getByLabel("Signature").fill(JSON.stringify(signature));
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await arrive(page, "/portal");
    },
    async admin() {
      const { page } = op;
      await page.getByRole("link", { name: "Operators" }).click();
      await arrive(page, "/admin");
      includesAll(await textOf(page, "main"), ["Regions you operate", "Test West", "Test East", "not connected", "Waiting areas", "near Test North", "ready", "Offer Test North to a first user", "Recent actions", "owner.device.remove"], "the admin overview");
      await bothSizes(op, "14-admin");
    },
    async "admin-region"() {
      const { page } = op;
      await page.getByRole("link", { name: "Test East" }).click();
      await arrive(page, "/admin/regions/test-east");
      includesAll(await textOf(page, "main"), ["office-pc", "garage-box", "Waiting for approval", "of 20"], "the region page");
      await page.getByLabel("Owner address starts with").fill(input.owner.address.slice(0, 20));
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL((u) => u.searchParams.get("owner") !== null);
      await page.waitForLoadState("networkidle");
      const rows = await page.locator("table.devices tbody tr").allInnerTexts();
      assert.equal(rows.length, 1, `the owner filter should leave office-pc alone:\n${rows.join("\n")}`);
      await bothSizes(op, "15-admin-region");
    },
    async "admin-actions"() {
      const { page } = op;
      await page.goto(`${url}/admin/regions/test-east`);
      const act = async (device: string, action: string, reason: string) => {
        const row = page.locator("table.devices tbody tr", { hasText: device });
        await row.locator("summary").click();
        await row.getByLabel("Reason (for the audit log)").fill(reason);
        page.once("dialog", (d) => void d.accept());
        await row.getByRole("button", { name: action, exact: true }).click();
        await page.waitForURL((u) => u.searchParams.get("done") === action.toLowerCase());
        await page.waitForLoadState("networkidle");
      };
      await act("office-pc", "Approve", "known owner");
      includesAll(await textOf(page, "main"), ["Approved: the device joins the region next."], "the region page after approving");
      await act("garage-box", "Ban", "sold hashpower <script>x</script>");
      includesAll(await textOf(page, "main"), ["Banned"], "the region page after banning");
      await bothSizes(op, "16-admin-actions");
    },
    async audit() {
      const { page } = op;
      await page.goto(`${url}/admin/audit`);
      await page.waitForLoadState("networkidle");
      const text = await textOf(page, "main");
      includesAll(text, ["device.approve", "known owner", "device.ban", "sold hashpower <script>x</script>", dev.officePc.id, dev.garageBox.id, input.operator.address], "the audit log");
      assert.equal(await page.locator("main script").count(), 0, "the reason's markup became an element");
      await bothSizes(op, "17-audit");
    },
    async "operator-offer"() {
      const { page } = op;
      await page.goto(`${url}/admin/regions/test-north`);
      await page.getByLabel("Owner's Akash address").fill(input.owner.address);
      await page.getByRole("button", { name: "Offer the role" }).click();
      await page.waitForURL((u) => u.searchParams.get("done") === "offer");
      includesAll(await textOf(page, "main"), ["Offer sent"], "the region page after the offer");
      await bothSizes(op, "18-admin-offer");
      // The owner sees the invitation and accepts it: the admin portal opens for them.
      const { page: o } = owner;
      await o.goto(`${url}/sign-in`);
      await o.getByRole("button", { name: "Sign in with Keplr" }).click();
      await arrive(o, "/portal");
      includesAll(await textOf(o, "main"), ["You are invited to run Test North"], "the owner's device list");
      await bothSizes(owner, "19-devices-invited");
      await o.getByRole("button", { name: "Accept the operator role" }).click();
      await o.waitForURL((u) => u.searchParams.get("done") === "offer-accepted");
      await o.getByRole("link", { name: "Operators" }).click();
      await arrive(o, "/admin");
      includesAll(await textOf(o, "main"), ["Test North"], "the new operator's overview");
    },
    async "not-an-operator"() {
      const stranger = await newPage(DESKTOP);
      const { page, context } = stranger;
      // A freshly signed-in owner with no role, using the same flow the portal page uses.
      const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
      const [account] = await wallet.getAccounts();
      await withWallet(context, { address: account!.address, mnemonic: wallet.mnemonic });
      await page.goto(`${url}/sign-in`);
      await page.getByRole("button", { name: "Sign in with Keplr" }).click();
      await arrive(page, "/portal");
      includesAll(await textOf(page, "main"), ["No devices yet", "Add a device"], "a new owner's empty device list");
      await bothSizes(stranger, "20-devices-empty");
      assert.equal(await page.getByRole("link", { name: "Operators" }).count(), 0);
      const res = await page.goto(`${url}/admin`);
      assert.equal(res?.status(), 403);
      includesAll(await textOf(page, "main"), ["Not allowed", "operator"], "the admin portal refused");
      await bothSizes(stranger, "21-admin-refused");
      // Another owner's device reads as missing, not as forbidden.
      const other = await page.goto(`${url}/portal/devices/${dev.labPc.id}`);
      assert.equal(other?.status(), 404);
      await context.close();
    },
    async "no-browser-problems"() {
      // The refused pages answer 403 and 404 on purpose; the browser logs those as failed loads.
      assert.deepEqual(
        problems.filter((p) => !/status of 40[34]/.test(p)),
        [],
      );
    },
  };

  await runSteps(STEPS, steps);
  await close();
}

if (process.env.SCENARIO_INPUT) {
  await main(JSON.parse(process.env.SCENARIO_INPUT) as PortalWalkInput);
}
