import { PORTAL_PAGES, REGISTRY_API } from "../../protocol/index.ts";
import { DeviceEarningsPanel, EarningsPage, type LedgerSelection } from "../../ui/registry/earnings-page.tsx";
import { formatAmount } from "../../ui/registry/money.ts";
import { parseFigure, selectLines } from "../portal/ledger-selection.ts";
import type { AccountsService } from "../accounts/service.ts";
import type { EarningsPort } from "../portal/ports.ts";
import type { PortalService } from "../portal/service.ts";
import { html, redirect, type PageKit, type PageRequest } from "./page-kit.ts";
import type { PlainRoutes } from "./server.ts";

// The owner's earnings page and the earnings panel of a device page, read from the rewards domain. With
// ?show=gross|fee|net|pending|settled (and &denom, &device, &epoch) the page lists the ledger lines that
// make up that number.

export interface EarningsPagesDeps {
  kit: PageKit;
  /** null while this registry computes no earnings. */
  earnings: EarningsPort | null;
  accounts: Pick<AccountsService, "payoutAddress" | "setPayoutAddress">;
  portal: Pick<PortalService, "deviceNames">;
}

/** The most ledger lines one page lists; the CSV has all of them. */
const LINES_SHOWN = 500;

export function earningsPages(d: EarningsPagesDeps): { pages: PlainRoutes; devicePanel(r: PageRequest, deviceId: string): Promise<JSX.Element> } {
  const earningsPage = async (r: PageRequest, flash: string | null, payoutForm: { typed: string; error: string } | null = null, status = 200): Promise<Response> => {
    const owner = r.session!.address;
    const [earnings, payout, names] = await Promise.all([d.earnings ? d.earnings.ownerEarnings(owner) : Promise.resolve(null), d.accounts.payoutAddress(owner), d.portal.deviceNames(owner)]);
    let selection: LedgerSelection | null = null;
    const show = parseFigure(r.query.get("show"));
    if (d.earnings && earnings && show) {
      const epochText = r.query.get("epoch");
      const epoch = epochText && /^\d{1,12}$/.test(epochText) ? Number(epochText) : null;
      const device = r.query.get("device")?.slice(0, 128) ?? null;
      const denom = r.query.get("denom")?.slice(0, 128) ?? earnings.totals[0]?.denom ?? null;
      // One device's lines come from its own account: no need to read every device's ledger for them.
      const statement = device && device in names ? await d.earnings.deviceStatement(device, owner, epoch, epoch) : await d.earnings.ownerStatement(owner, epoch, epoch);
      const picked = selectLines(statement, { show, denom, device, epoch }, LINES_SHOWN);
      const total = denom ? statement.totals.find((t) => t.denom === denom) : undefined;
      const parts = [show, ...(device ? [names[device] ?? device] : []), ...(epoch !== null ? [`epoch ${epoch}`] : []), ...(total && !device && epoch === null ? [`total ${formatAmount(total[show], total.denom)}`] : [])];
      selection = { title: parts.join(", "), lines: picked.lines, more: picked.more };
    }
    return html(
      await EarningsPage({
        ctx: r.ctx,
        earnings,
        payout: { ...payout, typed: payoutForm?.typed ?? (payout.isOwn ? "" : payout.payoutAddress), error: payoutForm?.error ?? null },
        flash,
        deviceNames: names,
        selection,
        csvUrl: REGISTRY_API.ownerStatementCsv,
      }),
      status,
    );
  };

  return {
    pages: {
      [PORTAL_PAGES.earnings]: d.kit.page(PORTAL_PAGES.earnings, "owner", (r) => earningsPage(r, r.query.get("done") === "payout-address" ? "Saved: payouts from the next batch on go to the address below." : null)),
      [PORTAL_PAGES.payoutAddress]: {
        // The address a refused form leaves in the address bar: opened again, it is the form on the earnings page.
        GET: d.kit.page(PORTAL_PAGES.payoutAddress, "owner", (r) => redirect(r, `${PORTAL_PAGES.earnings}#payout`)),
        POST: d.kit.page(PORTAL_PAGES.payoutAddress, "owner", async (r) => {
          const typed = (r.form.get("address") ?? "").slice(0, 200);
          try {
            await d.accounts.setPayoutAddress(r.session!.address, typed);
          } catch (err) {
            const e = err as { status?: number; message?: string; fix?: string };
            // The typed address comes back in the field with what is wrong with it; nothing was changed.
            if (e.status === 400) return earningsPage(r, null, { typed, error: `${e.message}${e.fix ? `; ${e.fix}` : ""}` }, 400);
            throw err;
          }
          return redirect(r, `${PORTAL_PAGES.earnings}?done=payout-address#payout`);
        }),
      },
    },
    async devicePanel(r, deviceId) {
      const facts = await d.portal.deviceNames(r.session!.address);
      // An operator looking at someone else's device sees no earnings: they are the owner's business.
      if (!(deviceId in facts)) return "";
      return DeviceEarningsPanel({ earnings: d.earnings ? await d.earnings.deviceEarnings(deviceId, r.session!.address) : null });
    },
  };
}
