import * as v from "valibot";
import { ADMIN_DEVICE_ACTIONS, AkashAddress, PORTAL_PAGES, pagePath, type AdminDeviceAction, type AuditEntry, type OwnerSession } from "../../protocol/index.ts";
import { AdminPage, AdminRegionPage, AuditPage, DeviceActionsCell, RegionNoDevices, type WaitingAreaView } from "../../ui/registry/admin-pages.tsx";
import { DeviceTable, listQuery } from "../../ui/registry/device-table.tsx";
import type { AccountsService } from "../accounts/service.ts";
import type { DeviceActions } from "../portal/device-actions.ts";
import type { PortalService } from "../portal/service.ts";
import { PublicError } from "../public-error.ts";
import { filterOf } from "./portal-pages.ts";
import { html, redirect, type PageKit, type PageRequest } from "./page-kit.ts";
import type { PlainRoutes } from "./server.ts";

// The admin portal's pages for regional operators. The page kit lets in only owners with some operator
// role; each handler then checks the role for the region at hand, and every action goes through
// DeviceActions, which checks again and writes the audit log.

export interface OperatorPagesDeps {
  kit: PageKit;
  portal: PortalService;
  actions: DeviceActions;
  accounts: AccountsService;
  regions: () => readonly { id: string; name: string; status: "active" | "planned"; firstUserBootstraps: boolean; countries: readonly string[] }[];
  waitlist: () => Promise<{ area: string; waiting: number; threshold: number; readyToBootstrap: boolean; oldestSince: string | null }[]>;
}

const ALL = "*";

/** operated lists the region ids the session operates, or "*" for every region. */
function operated(session: OwnerSession): string[] | "*" {
  return session.roles.some((r) => r.regionId === ALL) ? "*" : session.roles.map((r) => r.regionId);
}

const DONE: Record<string, string> = {
  approve: "Approved: the device joins the region next.",
  pause: "Paused: no new workloads are placed on the device.",
  resume: "Resumed: the device takes workloads again.",
  drain: "Drained: the device's workloads were moved and it stays paused.",
  remove: "Removed: the device left the region.",
  ban: "Banned: the device and its machine cannot check in again.",
  offer: "Offer sent: the owner sees it in their portal and can accept it.",
};

export function operatorPages(d: OperatorPagesDeps): PlainRoutes {
  const k = d.kit;

  async function requireRegion(r: PageRequest, regionId: string) {
    const region = d.regions().find((x) => x.id === regionId);
    if (!region) throw new PublicError(404, "region_unknown", `there is no region ${regionId.slice(0, 64)}`, "pick a region from the list of regions you operate");
    await d.accounts.requireOperator(r.session!.address, region.id);
    const [overview] = await d.portal.regionsOverview([region.id]);
    return overview!;
  }

  async function regionPage(r: PageRequest, offer: { owner: string; error: string | null }, status = 200) {
    const region = await requireRegion(r, r.params.id ?? "");
    const filter = filterOf(r.query);
    const data = await d.portal.devicePage({ regionId: region.id }, filter, Number(r.query.get("page")) || 1);
    const done = r.query.get("done") ?? "";
    const flash = offer.error ? { tone: "error" as const, text: offer.error } : DONE[done] ? { tone: "success" as const, text: DONE[done]! } : null;
    return html(await AdminRegionPage({ ctx: r.ctx, region, data, filter, flash, offer }), status);
  }

  return {
    [PORTAL_PAGES.admin]: k.page(PORTAL_PAGES.admin, "operator", async (r) => {
      const scope = operated(r.session!);
      const regions = await d.portal.regionsOverview(scope);
      const planned = d.regions().filter((x) => x.status === "planned" && x.firstUserBootstraps);
      const waiting: WaitingAreaView[] = (await d.waitlist()).map((w) => ({
        ...w,
        label: d.portal.areaLabel(w.area),
        bootstrapRegion: (() => {
          const fit = planned.find((p) => p.countries.includes(w.area) || w.area === `near-${p.id}`);
          return fit && (scope === "*" || scope.includes(fit.id)) ? { id: fit.id, name: fit.name } : null;
        })(),
      }));
      const audit = scope === "*" ? await d.accounts.listAudit({ limit: 15 }) : await auditOf(d.accounts, scope, 15);
      return html(await AdminPage({ ctx: r.ctx, regions, waiting, audit, global: scope === "*" }));
    }),

    [PORTAL_PAGES.adminRegion]: k.page(PORTAL_PAGES.adminRegion, "operator", (r) => regionPage(r, { owner: "", error: null })),

    [PORTAL_PAGES.adminRegionTable]: k.page(PORTAL_PAGES.adminRegionTable, "operator", async (r) => {
      const region = await requireRegion(r, r.params.id ?? "");
      const filter = filterOf(r.query);
      const here = pagePath(PORTAL_PAGES.adminRegion, { id: region.id });
      const target = `${here}${listQuery(filter, Number(r.query.get("page")) || 1)}`;
      if (!r.htmx) return redirect(r, target);
      const data = await d.portal.devicePage({ regionId: region.id }, filter, Number(r.query.get("page")) || 1);
      return html(await DeviceTable({ data, filter, pagePath: here, showOwner: true, actions: (x) => DeviceActionsCell({ d: x }), empty: RegionNoDevices() }), 200, { "hx-push-url": target });
    }),

    [PORTAL_PAGES.adminDeviceAction]: {
      POST: k.page(PORTAL_PAGES.adminDeviceAction, "operator", async (r) => {
        const id = r.params.id ?? "";
        const action = r.form.get("action") ?? "";
        if (!(ADMIN_DEVICE_ACTIONS as readonly string[]).includes(action)) throw new PublicError(400, "unknown_action", `there is no action "${action.slice(0, 40)}"`, "use the buttons in the region's device list");
        const reason = (r.form.get("reason") ?? "").trim().slice(0, 500);
        const facts = await d.portal.deviceFacts(id);
        await d.actions.operatorAct(r.session!.address, id, action as AdminDeviceAction, reason);
        const back = facts?.regionId ? pagePath(PORTAL_PAGES.adminRegion, { id: facts.regionId }) : PORTAL_PAGES.admin;
        return redirect(r, `${back}?done=${action}`);
      }),
    },

    [PORTAL_PAGES.adminOffer]: {
      POST: k.page(PORTAL_PAGES.adminOffer, "operator", async (r) => {
        const regionId = r.params.id ?? "";
        await requireRegion(r, regionId);
        const owner = (r.form.get("owner") ?? "").trim();
        const parsed = v.safeParse(AkashAddress, owner);
        if (!parsed.success) return regionPage(r, { owner, error: parsed.issues[0]?.message ?? "not an Akash address" }, 400);
        try {
          await d.accounts.createOperatorOffer(r.session!.address, regionId, parsed.output);
        } catch (err) {
          const e = err as { status?: number; message?: string; fix?: string };
          if (typeof e.status === "number" && e.status >= 400 && e.status < 500 && e.status !== 403) return regionPage(r, { owner, error: `${e.message}${e.fix ? `; ${e.fix}` : ""}` }, e.status);
          throw err;
        }
        return redirect(r, `${pagePath(PORTAL_PAGES.adminRegion, { id: regionId })}?done=offer`);
      }),
    },

    [PORTAL_PAGES.adminAudit]: k.page(PORTAL_PAGES.adminAudit, "operator", async (r) => {
      const scope = operated(r.session!);
      const known = d.regions().filter((x) => scope === "*" || scope.includes(x.id));
      const choices = [...(scope === "*" ? [{ id: ALL, name: "All regions" }] : []), ...known.map((x) => ({ id: x.id, name: x.name }))];
      const wanted = r.query.get("region") ?? choices[0]?.id ?? ALL;
      if (!choices.some((c) => c.id === wanted)) throw new PublicError(403, "not_operator", `you do not operate region ${wanted.slice(0, 64)}`, "pick one of your regions");
      const entries = wanted === ALL ? await d.accounts.listAudit({ limit: 200 }) : await d.accounts.listAudit({ regionId: wanted, limit: 200 });
      return html(await AuditPage({ ctx: r.ctx, entries, region: wanted, regions: choices }));
    }),
  };
}

/** auditOf merges the newest entries of several regions. */
async function auditOf(accounts: AccountsService, regionIds: readonly string[], limit: number): Promise<AuditEntry[]> {
  const lists = await Promise.all(regionIds.map((id) => accounts.listAudit({ regionId: id, limit })));
  return lists
    .flat()
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit);
}
