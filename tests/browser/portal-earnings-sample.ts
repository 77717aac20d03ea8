// A populated earnings page, for the browser walk: the registry under test has closed no epoch (that needs
// a chain), so the page's view is rendered here from a month of earnings shaped like the rewards service's
// answers, with the registry's own stylesheet and script, and the walk serves it at a portal address to see
// it at desktop and phone sizes under the registry's CSP. The data is made up; the view is the real one.
import type { EpochEarnings, LedgerLine, OwnerEarnings } from "../../protocol/index.ts";
import { PAGE_CSP } from "../../registry/http/page-kit.ts";
import { PORTAL_ASSET_URLS } from "../../registry/http/portal-static.ts";
import { EarningsPage } from "../../ui/registry/earnings-page.tsx";
import { MARKUP_NAME } from "./portal-seed.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

export interface EarningsSample {
  html: string;
  csp: string;
}

export async function earningsSample(owner: string): Promise<EarningsSample> {
  const devices = ["ah-sample0000000001", "ah-sample0000000002", "ah-sample0000000003"];
  const names: Record<string, string> = { [devices[0]!]: "lab-pc", [devices[1]!]: MARKUP_NAME, [devices[2]!]: "mini-pc" };
  const epochs: EpochEarnings[] = Array.from({ length: 30 }, (_, i) => {
    const usage = i % 4 === 0 ? 0 : 180_000 + ((i * 37_000) % 220_000);
    const availability = 40_000 + ((i * 13_000) % 30_000);
    const net = usage + availability;
    const gross = Math.round(net / 0.8);
    return {
      epochId: 30 - i,
      startsAt: new Date(T0 + (29 - i) * DAY).toISOString(),
      endsAt: new Date(T0 + (30 - i) * DAY).toISOString(),
      policyVersion: 1,
      denom: "uakt",
      usage: String(usage),
      availability: String(availability),
      gross: String(gross),
      fee: String(gross - net),
      net: String(net),
      settled: i >= 7,
    };
  });
  const sum = (k: "gross" | "fee" | "net") => String(epochs.reduce((n, e) => n + Number(e[k]), 0));
  const pending = String(epochs.filter((e) => !e.settled).reduce((n, e) => n + Number(e.net), 0));
  const settled = String(Number(sum("net")) - Number(pending));
  const totals = [{ denom: "uakt", gross: sum("gross"), fee: sum("fee"), net: sum("net"), pending, settled }];
  const share = (part: number) => ({ denom: "uakt", gross: String(Math.round(Number(sum("gross")) * part)), fee: String(Math.round(Number(sum("fee")) * part)), net: String(Math.round(Number(sum("net")) * part)), pending: String(Math.round(Number(pending) * part)), settled: String(Math.round(Number(settled) * part)) });
  const earnings: OwnerEarnings = {
    owner,
    totals,
    devices: [
      { deviceId: devices[0]!, totals: [share(0.6)] },
      { deviceId: devices[1]!, totals: [share(0.3)] },
      { deviceId: devices[2]!, totals: [share(0.1)] },
    ],
    epochs,
    payouts: [{ batchId: 4, denom: "uakt", amount: settled, address: owner, throughEpoch: 23, status: "paid", txHash: "9F2C1B7E4A0D3C6B8E5F1A2D4C7B9E0F1A3C5E7B9D1F3A5C7E9B1D3F5A7C9E1B", paidAt: new Date(T0 + 24 * DAY).toISOString() }],
    minimumPayout: [{ denom: "uakt", amount: "1000000" }],
    nextCloseAt: new Date(T0 + 30 * DAY).toISOString(),
  };
  const lines: LedgerLine[] = epochs.slice(0, 6).flatMap((e, i) => [
    {
      epochId: e.epochId,
      entry: `epoch/${e.epochId}/2`,
      line: 3,
      account: `owner/${owner}`,
      device: devices[0]!,
      denom: "uakt",
      amount: String(Math.round(Number(e.availability) * 0.6)),
      kind: "availability_credit",
      gross: String(Math.round((Number(e.availability) * 0.6) / 0.8)),
      fee: String(Math.round((Number(e.availability) * 0.6) / 0.8 - Number(e.availability) * 0.6)),
      explanation: `Available 24 h 0 min with 120 verified capacity points: ${(12.5 + i).toFixed(2)} % of the availability pool; gross, fee (20 %) and net as shown.`,
    },
    ...(Number(e.usage) > 0
      ? [
          {
            epochId: e.epochId,
            entry: `epoch/${e.epochId}/5`,
            line: 2,
            account: `owner/${owner}`,
            device: devices[0]!,
            denom: "uakt",
            amount: String(Math.round(Number(e.usage) * 0.6)),
            kind: "usage_credit" as const,
            gross: String(Math.round((Number(e.usage) * 0.6) / 0.8)),
            fee: String(Math.round((Number(e.usage) * 0.6) / 0.8 - Number(e.usage) * 0.6)),
            explanation: `Ran 1 pod of lease akash1tenant…/1204${i}/1/1 for 24 h 0 min of pod time: 100 % of the lease's requested resources × time, so that share of its usage part.`,
          },
        ]
      : []),
  ]);
  const html = await EarningsPage({
    ctx: { assets: PORTAL_ASSET_URLS, session: { address: owner, operator: false }, version: "sample" },
    earnings,
    payout: { payoutAddress: owner, isOwn: true, typed: "", error: null },
    flash: null,
    deviceNames: names,
    selection: { title: "net, lab-pc", lines, more: 41 },
    csvUrl: "/api/v1/owner/earnings/statement.csv",
  });
  return { html, csp: PAGE_CSP };
}
