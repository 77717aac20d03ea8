import { encode } from "uqr";
import * as v from "valibot";
import { AkashAddress, DEVICE_STATES, OWNER_DEVICE_ACTIONS, PORTAL_PAGES, StdSignature, pagePath, type ClaimCode, type DeviceListFilter, type OwnerDeviceAction } from "../../protocol/index.ts";
import { AddDevicePage, ClaimStatus, type ClaimStatusProps } from "../../ui/registry/add-device-page.tsx";
import { DeviceTable, listQuery } from "../../ui/registry/device-table.tsx";
import { DevicePage } from "../../ui/registry/device-page.tsx";
import { DevicesPage, NoDevices } from "../../ui/registry/devices-page.tsx";
import { NetworkPage } from "../../ui/registry/network-page.tsx";
import { SignInPage, type ManualSignIn } from "../../ui/registry/sign-in-page.tsx";
import { WorldMapSvg } from "../../ui/registry/world-map-svg.tsx";
import type { AccountsService } from "../accounts/service.ts";
import { makeAdr36SignDoc } from "../accounts/adr36.ts";
import type { DeviceActions } from "../portal/device-actions.ts";
import type { PortalService } from "../portal/service.ts";
import { projectCells, projectPoint, worldGeometry } from "../portal/world-map.ts";
import { PublicError } from "../public-error.ts";
import { countryCentroid } from "../regions/geo.ts";
import { html, PAGE_HEADERS, redirect, safeNext, sessionCookie, type PageKit, type PageRequest } from "./page-kit.ts";
import type { PlainRoutes } from "./server.ts";

// The owner portal's pages and the public network page: thin handlers that read the query or the form,
// ask the portal and accounts services, and render a view from ui/registry. Who may see a device is
// decided here: its owner, or an operator of its region.

export interface PortalPagesDeps {
  kit: PageKit;
  portal: PortalService;
  actions: DeviceActions;
  accounts: AccountsService;
  regions: () => readonly { id: string; name: string; latitude: number; longitude: number }[];
  /** The command that installs (or updates) an agent from this registry, without a claim code. */
  updateCommand: string;
  secureCookies: boolean;
  /** The chain id handed to browser wallets for sign-in. */
  chainId?: string;
  /** Renders the earnings panel of a device page and the earnings page; absent while rewards are off. */
  earnings?: {
    devicePanel(r: PageRequest, deviceId: string): Promise<JSX.Element | null>;
  };
  now?: () => number;
}

const FILTER_KEYS = ["state", "region", "gpu", "owner", "agentVersion", "text"] as const;

/** filterOf reads the list filters from a query string, each bounded so no value is large. */
export function filterOf(q: URLSearchParams): DeviceListFilter {
  const f: DeviceListFilter = {};
  for (const k of FILTER_KEYS) {
    const value = q.get(k);
    if (value) f[k] = value.slice(0, 128);
  }
  if (f.state && f.state !== "all" && f.state !== "current" && !(DEVICE_STATES as readonly string[]).includes(f.state)) delete f.state;
  return f;
}

function pageOf(q: URLSearchParams): number {
  const n = Number(q.get("page") ?? "1");
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

const DONE: Record<string, string> = {
  pause: "Paused: no new workloads are placed on it; running ones finish.",
  resume: "Resumed: it takes workloads again.",
  remove: "Removed: the device left the network. Its earnings so far stay yours.",
  "offer-accepted": "You are now the region's operator: it is listed under Operators.",
  "offer-declined": "Offer declined.",
};

const render = async (el: JSX.Element) => html(await el);

/** The most devices one bulk form acts on: a page of the list at its largest. */
const MAX_BULK = 1000;
const BULK_ACTIONS = ["pause", "resume"] as const;

/** bulkFlash says what a bulk action did, from the counts its redirect carries. */
function bulkFlash(q: URLSearchParams): string | null {
  const action = q.get("done");
  if (action !== "bulk-pause" && action !== "bulk-resume") return null;
  const count = (name: string) => Math.min(MAX_BULK, Math.max(0, Math.floor(Number(q.get(name)) || 0)));
  const [done, skipped] = [count("ok"), count("skipped")];
  const verb = action === "bulk-pause" ? "Paused" : "Resumed";
  const devices = (n: number) => `${n} device${n === 1 ? "" : "s"}`;
  const skippedText = skipped ? ` ${devices(skipped)} left as ${skipped === 1 ? "it was" : "they were"}: ${action === "bulk-pause" ? "only a device with a place in a region and not paused already" : "only a paused device"} can be ${action === "bulk-pause" ? "paused" : "resumed"}.` : "";
  return `${verb} ${devices(done)}.${skippedText}`;
}

export function portalPages(d: PortalPagesDeps): PlainRoutes {
  const k = d.kit;
  const now = d.now ?? Date.now;
  const chainId = d.chainId ?? "akashnet-2";
  let mapCache: { at: string; svg: string; etag: string } | null = null;

  /** mayView decides who sees a device page: its owner, or an operator of its region. */
  async function viewerOf(r: PageRequest, deviceId: string): Promise<"owner" | "operator"> {
    const facts = await d.portal.deviceFacts(deviceId);
    if (facts && facts.owner === r.session!.address) return "owner";
    if (facts && (await d.accounts.isOperator(r.session!.address, facts.regionId ?? "*"))) return "operator";
    throw new PublicError(404, "device_unknown", "there is no such device among yours", "open it from your device list");
  }

  async function devicesPage(r: PageRequest, flash: string | null) {
    const filter = filterOf(r.query);
    const [data, offers] = await Promise.all([d.portal.devicePage({ owner: r.session!.address }, filter, pageOf(r.query)), d.accounts.listOperatorOffers(r.session!.address)]);
    const names = Object.fromEntries(d.regions().map((x) => [x.id, x.name]));
    return render(DevicesPage({ ctx: r.ctx, data, filter, offers: offers.filter((o) => o.status === "open"), regionNames: names, updateCommand: d.updateCommand, flash }));
  }

  function signInPage(r: PageRequest, extra: { address?: string; addressError?: string | null; manual?: ManualSignIn | null; status?: number }) {
    const notice = r.query.get("notice");
    return html(
      String(
        SignInPage({
          ctx: r.ctx,
          next: safeNext(r.form.get("next") ?? r.query.get("next")),
          notice: notice === "expired" || notice === "signed-out" || notice === "sign-in-first" ? notice : null,
          chainId,
          address: extra.address ?? "",
          addressError: extra.addressError ?? null,
          manual: extra.manual ?? null,
        }),
      ),
      extra.status ?? 200,
    );
  }

  async function claimStatus(owner: string, code: string): Promise<ClaimStatusProps | null> {
    const codes = await d.accounts.listClaimCodes(owner);
    const c = codes.find((x) => x.code === code);
    if (!c) return null;
    let device: ClaimStatusProps["device"] = null;
    if (c.usedByDevice) {
      const facts = await d.portal.deviceFacts(c.usedByDevice);
      device = { id: c.usedByDevice, name: facts?.name ?? c.usedByDevice };
    }
    return { code: c.code, expiresAt: c.expiresAt, expired: !c.usedAt && Date.parse(c.expiresAt) <= now(), device };
  }

  async function addDevicePage(r: PageRequest, label: string, labelError: string | null, status = 200) {
    const owner = r.session!.address;
    const recent = await d.accounts.listClaimCodes(owner);
    const wanted = r.query.get("code");
    const code: ClaimCode | undefined = wanted ? recent.find((c) => c.code === wanted) : undefined;
    const made = code ? { code, qr: encode(code.installCommand, { ecc: "M", border: 2 }).data, status: (await claimStatus(owner, code.code))! } : null;
    return html(await AddDevicePage({ ctx: r.ctx, made, recent: recent.slice(0, 10), label, labelError, now: new Date(now()).toISOString() }), status);
  }

  return {
    [PORTAL_PAGES.network]: k.page(PORTAL_PAGES.network, "public", async (r) => {
      const stats = await d.portal.networkStats();
      return render(NetworkPage({ ctx: r.ctx, stats, mapUrl: `${PORTAL_PAGES.mapImage}?at=${encodeURIComponent(stats.at)}` }));
    }),

    [PORTAL_PAGES.mapImage]: k.page(PORTAL_PAGES.mapImage, "public", async (r) => {
      const stats = await d.portal.networkStats();
      if (!mapCache || mapCache.at !== stats.at) {
        const regions = new Map(d.regions().map((x) => [x.id, x]));
        const waiting = stats.waitingAreas.flatMap((w) => {
          const region = w.area.startsWith("near-") ? regions.get(w.area.slice(5)) : undefined;
          const at = region ?? countryCentroid(w.area);
          const p = at ? projectPoint(at.latitude, at.longitude) : null;
          return p ? [{ ...p, label: w.label, waiting: w.waiting }] : [];
        });
        const svg = await WorldMapSvg({ geometry: worldGeometry(), cells: projectCells(stats.cells), waiting });
        mapCache = { at: stats.at, svg, etag: `"${new Bun.CryptoHasher("sha256").update(svg).digest("hex").slice(0, 20)}"` };
      }
      const headers = { ...PAGE_HEADERS, "content-type": "image/svg+xml; charset=utf-8", "cache-control": "public, max-age=60", etag: mapCache.etag };
      if (r.request.headers.get("if-none-match") === mapCache.etag) return new Response(null, { status: 304, headers });
      return new Response(mapCache.svg, { headers });
    }),

    [PORTAL_PAGES.signIn]: {
      GET: k.page(PORTAL_PAGES.signIn, "public", (r) => {
        if (r.session && !r.query.get("notice")) return redirect({ htmx: false }, safeNext(r.query.get("next")));
        return signInPage(r, {});
      }),
      // Without a browser wallet: the owner gives an address and gets the exact message to sign.
      POST: k.page(PORTAL_PAGES.signIn, "public", async (r) => {
        const address = (r.form.get("address") ?? "").trim();
        const parsed = v.safeParse(AkashAddress, address);
        if (!parsed.success) return signInPage(r, { address, addressError: parsed.issues[0]?.message ?? "not an Akash address", status: 400 });
        let challenge;
        try {
          challenge = await d.accounts.createChallenge(parsed.output);
        } catch (err) {
          if ((err as { status?: number }).status === 400) return signInPage(r, { address, addressError: (err as Error).message, status: 400 });
          throw err;
        }
        const signDoc = JSON.stringify(makeAdr36SignDoc(challenge.address, challenge.message), null, 2);
        return signInPage(r, { address, manual: { address: challenge.address, message: challenge.message, signDoc, expiresAt: challenge.expiresAt, signature: "", error: null } });
      }),
    },

    [PORTAL_PAGES.signInVerify]: {
      POST: k.page(PORTAL_PAGES.signInVerify, "public", async (r) => {
        const address = (r.form.get("address") ?? "").trim();
        // Forms send line breaks as CRLF; the message was signed with LF.
        const message = (r.form.get("message") ?? "").replace(/\r\n/g, "\n").slice(0, 2000);
        const pasted = (r.form.get("signature") ?? "").trim();
        const manual = (error: string): Response =>
          signInPage(r, { address, status: 400, manual: { address, message, signDoc: JSON.stringify(makeAdr36SignDoc(address, message), null, 2), expiresAt: message.match(/Expires at: (\S+)/)?.[1] ?? "", signature: pasted.slice(0, 2000), error } });
        let json: unknown;
        try {
          json = JSON.parse(pasted);
        } catch {
          return manual('the signature is not JSON; paste the whole object your wallet returned, starting with {"pub_key"');
        }
        const sig = v.safeParse(StdSignature, json);
        if (!sig.success) return manual("the signature needs pub_key (type tendermint/PubKeySecp256k1 and value) and signature, as signArbitrary returns them");
        if (!v.safeParse(AkashAddress, address).success) return manual("the address is not an Akash address; start again");
        try {
          const { token, session } = await d.accounts.verifySignIn({ address, message, signature: sig.output });
          const maxAge = Math.max(0, Math.floor((Date.parse(session.expiresAt) - now()) / 1000));
          return redirect({ htmx: false }, safeNext(r.form.get("next")), { "set-cookie": sessionCookie(token, maxAge, d.secureCookies) });
        } catch (err) {
          const e = err as { status?: number; message?: string; fix?: string };
          if (typeof e.status === "number" && e.status < 500) return manual(`${e.message}${e.fix ? `; ${e.fix}` : ""}`);
          throw err;
        }
      }),
    },

    [PORTAL_PAGES.signOut]: {
      POST: k.page(PORTAL_PAGES.signOut, "public", async (r) => {
        if (r.token) await d.accounts.signOut(r.token);
        return redirect({ htmx: false }, `${PORTAL_PAGES.signIn}?notice=signed-out`, { "set-cookie": sessionCookie("", 0, d.secureCookies) });
      }),
    },

    [PORTAL_PAGES.devices]: k.page(PORTAL_PAGES.devices, "owner", (r) => devicesPage(r, bulkFlash(r.query) ?? DONE[r.query.get("done") ?? ""] ?? null)),

    // Many devices at once, each through the same action as its own page (checked, acted on, audited): a
    // device that is not the owner's, or not in a state for the action, is left as it is and counted.
    [PORTAL_PAGES.devicesBulk]: {
      POST: k.page(PORTAL_PAGES.devicesBulk, "owner", async (r) => {
        const action = r.form.get("action") ?? "";
        if (!(BULK_ACTIONS as readonly string[]).includes(action)) throw new PublicError(400, "unknown_action", `there is no bulk action "${action.slice(0, 40)}"`, "use the Pause or Resume button above the device list");
        const ids = [...new Set(r.form.getAll("device"))];
        if (ids.length === 0) throw new PublicError(400, "no_devices", "no device was selected", "tick the devices to act on in the list, then press the button again");
        if (ids.length > MAX_BULK) throw new PublicError(413, "too_many_devices", `${ids.length} devices were selected; one action takes at most ${MAX_BULK}`, "act on one page of the list at a time");
        let ok = 0;
        let skipped = 0;
        for (const id of ids) {
          try {
            await d.actions.ownerAct(r.session!.address, id, action as OwnerDeviceAction);
            ok++;
          } catch (err) {
            // Another owner's device, or one in the wrong state, is skipped; a region that does not answer stops the run.
            if (!(err instanceof PublicError) || (err.status !== 404 && err.status !== 409)) throw err;
            skipped++;
          }
        }
        const back = new URL(safeNext(r.form.get("back")), "http://portal");
        if (back.pathname !== PORTAL_PAGES.devices) back.pathname = PORTAL_PAGES.devices;
        back.searchParams.set("done", `bulk-${action}`);
        back.searchParams.set("ok", String(ok));
        back.searchParams.set("skipped", String(skipped));
        return redirect(r, back.pathname + back.search);
      }),
    },

    [PORTAL_PAGES.devicesTable]: k.page(PORTAL_PAGES.devicesTable, "owner", async (r) => {
      const filter = filterOf(r.query);
      const target = `${PORTAL_PAGES.devices}${listQuery(filter, pageOf(r.query))}`;
      if (!r.htmx) return redirect(r, target);
      const data = await d.portal.devicePage({ owner: r.session!.address }, filter, pageOf(r.query));
      return html(await DeviceTable({ data, filter, pagePath: PORTAL_PAGES.devices, showOwner: false, bulkPath: PORTAL_PAGES.devicesBulk, empty: NoDevices() }), 200, { "hx-push-url": target });
    }),

    [PORTAL_PAGES.device]: k.page(PORTAL_PAGES.device, "owner", async (r) => {
      const id = r.params.id ?? "";
      const viewer = await viewerOf(r, id);
      const detail = await d.portal.deviceDetail(id);
      if (!detail) throw new PublicError(404, "device_unknown", "there is no such device", "open it from your device list");
      const panel = d.earnings ? await d.earnings.devicePanel(r, id) : null;
      return render(DevicePage({ ctx: r.ctx, detail, viewer, updateCommand: d.updateCommand, flash: DONE[r.query.get("done") ?? ""] ?? null, children: panel ?? "" }));
    }),

    [PORTAL_PAGES.deviceAction]: {
      POST: k.page(PORTAL_PAGES.deviceAction, "owner", async (r) => {
        const id = r.params.id ?? "";
        const action = r.params.action ?? "";
        if (!(OWNER_DEVICE_ACTIONS as readonly string[]).includes(action)) throw new PublicError(404, "unknown_action", `there is no action "${action.slice(0, 40)}"`, "use the buttons on the device's page");
        await d.actions.ownerAct(r.session!.address, id, action as OwnerDeviceAction);
        return redirect(r, `${pagePath(PORTAL_PAGES.device, { id })}?done=${action}`);
      }),
    },

    [PORTAL_PAGES.addDevice]: k.page(PORTAL_PAGES.addDevice, "owner", (r) => addDevicePage(r, "", null)),

    [PORTAL_PAGES.claimCodes]: {
      // The address a refused form leaves in the address bar: opened again (a reload, a bookmark), it is the form's page.
      GET: k.page(PORTAL_PAGES.claimCodes, "owner", (r) => redirect(r, PORTAL_PAGES.addDevice)),
      POST: k.page(PORTAL_PAGES.claimCodes, "owner", async (r) => {
        const label = (r.form.get("label") ?? "").trim();
        if (label.length > 80) return addDevicePage(r, label, "a label has at most 80 characters", 400);
        try {
          const code = await d.accounts.createClaimCode(r.session!.address, label || null);
          return redirect(r, `${PORTAL_PAGES.addDevice}?code=${encodeURIComponent(code.code)}`);
        } catch (err) {
          const e = err as { status?: number; message?: string; fix?: string };
          if (e.status === 400 || e.status === 429) return addDevicePage(r, label, `${e.message}${e.fix ? `; ${e.fix}` : ""}`, e.status);
          throw err;
        }
      }),
    },

    [PORTAL_PAGES.claimStatus]: k.page(PORTAL_PAGES.claimStatus, "owner", async (r) => {
      const status = await claimStatus(r.session!.address, (r.params.code ?? "").slice(0, 32));
      if (!status) throw new PublicError(404, "claim_code_unknown", "there is no such claim code among yours", "make a new one");
      return html(await ClaimStatus(status));
    }),

    [PORTAL_PAGES.offerDecision]: {
      POST: k.page(PORTAL_PAGES.offerDecision, "owner", async (r) => {
        const id = (r.params.id ?? "").slice(0, 64);
        const decision = r.params.decision;
        if (decision === "accept") await d.accounts.acceptOperatorOffer(r.session!.address, id);
        else if (decision === "decline") await d.accounts.declineOperatorOffer(r.session!.address, id);
        else throw new PublicError(404, "unknown_decision", "an offer is accepted or declined", "use the buttons on your device list");
        return redirect(r, `${PORTAL_PAGES.devices}?done=${decision === "accept" ? "offer-accepted" : "offer-declined"}`);
      }),
    },
  };
}
