import { PORTAL_PAGES, pagePath, type DeviceEarnings, type EarningsTotals, type EpochEarnings, type LedgerLine, type OwnerEarnings } from "../../protocol/index.ts";
import { Alert, DataTable, formatWhen, InputField, type Column } from "../kit/index.ts";
import { Flash } from "./flash.tsx";
import { formatDay } from "./format-span.ts";
import { Legend } from "./legend.tsx";
import { formatAmount, microNumber, unitName } from "./money.ts";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";
import { Stat, StatList } from "./stat-list.tsx";

// Earnings as one set of numbers with the ledger behind them (peer products lose owners' trust when a
// dashboard's numbers disagree or are unexplained): gross, fee and net defined on the page, pending and
// settled kept apart, the window said, and every number a link to the ledger lines that make it up.

/** LedgerSelection is which ledger lines the page lists: the ones behind one number. */
export interface LedgerSelection {
  /** What the lines explain, in words, e.g. "net of epoch 12" or "fee of lab-pc". */
  title: string;
  lines: LedgerLine[];
  /** Lines beyond those shown. */
  more: number;
}

export type EarningsFigure = "gross" | "fee" | "net" | "pending" | "settled";

/** earningsLink is the page address that lists the lines behind a figure, narrowed to a device or epoch. */
export function earningsLink(q: { show?: EarningsFigure; denom?: string; device?: string; epoch?: number }): string {
  const p = new URLSearchParams();
  if (q.show) p.set("show", q.show);
  if (q.denom) p.set("denom", q.denom);
  if (q.device) p.set("device", q.device);
  if (q.epoch !== undefined) p.set("epoch", String(q.epoch));
  const query = p.toString();
  return query ? `${PORTAL_PAGES.earnings}?${query}${q.show ? "#ledger" : ""}` : PORTAL_PAGES.earnings;
}

export interface EarningsPageProps {
  ctx: PortalContext;
  /** null when this registry computes no earnings. */
  earnings: OwnerEarnings | null;
  /** Where payouts go (the owner's payout address, or their own: isOwn), and the form's typed value and error. */
  payout: PayoutForm;
  /** The outcome of the form just sent. */
  flash: string | null;
  deviceNames: Record<string, string>;
  selection: LedgerSelection | null;
  /** The statement's CSV, for the same range. */
  csvUrl: string;
}

export interface PayoutForm {
  payoutAddress: string;
  isOwn: boolean;
  typed: string;
  error: string | null;
}

/** PayoutAddressCard says where payouts go and lets the owner send them elsewhere (or back to their own address). */
function PayoutAddressCard({ p }: { p: PayoutForm }): JSX.Element {
  return (
    <section class="card" id="payout" aria-labelledby="payout-title">
      <h2 id="payout-title">Payout address</h2>
      <p>
        Payouts go to <code class="address" safe>{p.payoutAddress}</code>
        {p.isOwn ? ", the address you signed in with." : ", the payout address you set."}
      </p>
      <form method="post" action={PORTAL_PAGES.payoutAddress}>
        <InputField
          name="address"
          label="Pay to another Akash address"
          hint="For example a hardware wallet's. It counts from the next payout batch on; a batch already built keeps its addresses. Leave it empty to be paid at the address you signed in with."
          value={p.typed}
          error={p.error ?? undefined}
          placeholder="akash1…"
          autocomplete="off"
          spellcheck={false}
        />
        <div class="actions">
          <button type="submit" class="button">
            Save payout address
          </button>
        </div>
      </form>
    </section>
  );
}

const FIGURES: { key: EarningsFigure; label: string; explain: string }[] = [
  { key: "gross", label: "Gross", explain: "what your devices' work and availability earned, before the platform fee" },
  { key: "fee", label: "Fee", explain: "the platform fee taken from gross" },
  { key: "net", label: "Net", explain: "gross minus fee: yours" },
  { key: "pending", label: "Pending", explain: "net not paid on chain yet" },
  { key: "settled", label: "Settled", explain: "net paid to your payout address" },
];

function TotalsGrid({ totals, device }: { totals: EarningsTotals[]; device?: string }): JSX.Element {
  return (
    <>
      {totals.map((t) => (
        <StatList label={`Totals in ${unitName(t.denom)}`}>
          {FIGURES.map((f) => (
            <Stat label={`${f.label}: ${f.explain}`}>
              <a href={earningsLink({ show: f.key, denom: t.denom, device })} safe>
                {formatAmount(t[f.key], t.denom)}
              </a>
            </Stat>
          ))}
        </StatList>
      ))}
    </>
  );
}

/** netLink is a net amount that opens its ledger lines. */
function netLink(amount: string, denom: string, at: { device?: string; epoch?: number }): JSX.Element {
  return (
    <a href={earningsLink({ show: "net", denom, ...at })} safe>
      {formatAmount(amount, denom)}
    </a>
  );
}

const epochDay = (x: { epochId: number; startsAt: string }) => `${x.epochId} · ${formatDay(x.startsAt)}`;

const LEDGER_COLUMNS: Column<LedgerLine>[] = [
  { label: "Epoch", text: (l) => (l.epochId === null ? "payout" : String(l.epochId)) },
  {
    label: "Line",
    cell: (l) => (
      <div>
        <code safe>{`${l.entry}#${l.line}`}</code>
        <span class="small muted block" safe>
          {l.kind.replace("_", " ")}
        </span>
      </div>
    ),
  },
  {
    label: "Amount",
    num: true,
    cell: (l) => (
      <div>
        <span safe>{formatAmount(l.amount, l.denom)}</span>
        {l.gross !== null ? <span class="small muted block" safe>{`gross ${formatAmount(l.gross, l.denom)}, fee ${formatAmount(l.fee ?? "0", l.denom)}`}</span> : ""}
      </div>
    ),
  },
  { label: "Where it comes from", text: (l) => l.explanation },
];

/** EpochChart draws net earnings per epoch as bars, oldest on the left, settled and pending apart; each bar opens its lines. */
export function EpochChart({ epochs, denom }: { epochs: EpochEarnings[]; denom: string }): JSX.Element {
  const rows = epochs.filter((e) => e.denom === denom).sort((a, b) => a.epochId - b.epochId);
  const max = Math.max(0, ...rows.map((e) => microNumber(e.net)));
  const W = 600;
  const H = 140;
  const slot = rows.length ? W / rows.length : W;
  const bar = Math.max(1, slot * 0.8);
  return (
    <svg class="chart" viewBox={`0 -20 ${W} ${H + 40}`} role="img" aria-label={`Net earnings per epoch in ${unitName(denom)}, ${rows.length} epochs; the table below lists them`}>
      <line class="chart-grid" x1="0" x2={String(W)} y1={String(H)} y2={String(H)} />
      <text class="chart-label" x="0" y="-6" safe>
        {`${formatAmount(String(Math.round(max)), denom)} per epoch at most`}
      </text>
      {rows.map((e, i) => {
        const h = max > 0 ? (microNumber(e.net) / max) * (H - 4) : 0;
        return (
          <a href={earningsLink({ show: "net", denom, epoch: e.epochId })}>
            <rect class={e.settled ? "chart-bar" : "chart-bar chart-bar-pending"} x={(i * slot).toFixed(1)} y={(H - h).toFixed(1)} width={bar.toFixed(1)} height={Math.max(0, h).toFixed(1)}>
              <title safe>{`Epoch ${e.epochId} (${formatDay(e.startsAt)}): net ${formatAmount(e.net, denom)}, ${e.settled ? "settled" : "pending"}`}</title>
            </rect>
          </a>
        );
      })}
      {rows.length ? (
        <>
          <text class="chart-label" x="0" y={String(H + 16)} safe>
            {formatDay(rows[0]!.startsAt)}
          </text>
          <text class="chart-label" x={String(W)} y={String(H + 16)} text-anchor="end" safe>
            {formatDay(rows.at(-1)!.endsAt)}
          </text>
        </>
      ) : (
        ""
      )}
    </svg>
  );
}

/** LedgerTable lists ledger lines with the sentence that explains each. */
export function LedgerTable({ selection }: { selection: LedgerSelection }): JSX.Element {
  return (
    <section class="card" id="ledger" aria-labelledby="ledger-title">
      <div class="card-head">
        <h2 id="ledger-title" safe>
          {`Ledger lines: ${selection.title}`}
        </h2>
        <a href={`${PORTAL_PAGES.earnings}`}>Close</a>
      </div>
      <DataTable columns={LEDGER_COLUMNS} rows={selection.lines} empty="No ledger line makes up this number yet." />
      {selection.more > 0 ? <p class="small muted" safe>{`${selection.more} more line(s): download the CSV for all of them.`}</p> : ""}
    </section>
  );
}

interface DeviceRow {
  deviceId: string;
  totals: EarningsTotals;
}

const EPOCH_COLUMNS: Column<EpochEarnings>[] = [
  { label: "Epoch", text: epochDay },
  { label: "Work", num: true, text: (x) => formatAmount(x.usage, x.denom) },
  { label: "Availability", num: true, text: (x) => formatAmount(x.availability, x.denom) },
  { label: "Net", num: true, cell: (x) => netLink(x.net, x.denom, { epoch: x.epochId }) },
  { label: "Status", text: (x) => (x.settled ? "settled" : "pending") },
];

const PAYOUT_COLUMNS: Column<OwnerEarnings["payouts"][number]>[] = [
  { label: "Batch", text: (x) => `${x.batchId} (through epoch ${x.throughEpoch})` },
  { label: "Amount", num: true, text: (x) => formatAmount(x.amount, x.denom) },
  {
    label: "To",
    cell: (x) => (
      <code class="address" safe>
        {x.address}
      </code>
    ),
  },
  { label: "Status", text: (x) => (x.status === "paid" ? `paid ${x.paidAt ? formatWhen(x.paidAt) : ""}${x.txHash ? ` · tx ${x.txHash.slice(0, 12)}…` : ""}` : "being sent") },
];

/** EarningsPage is the owner's earnings: totals with definitions, a chart over time, per device, payouts, the payout address, and the ledger lines behind any number. */
export function EarningsPage(p: EarningsPageProps): JSX.Element {
  const e = p.earnings;
  const denom = e?.totals[0]?.denom ?? e?.minimumPayout[0]?.denom ?? "uakt";
  return (
    <PortalLayout ctx={p.ctx} title="Earnings" nav="earnings" wide>
      <div class="page-head card-head">
        <div>
          <h1>Earnings</h1>
          <p class="lead">
            All closed epochs of all your devices. <strong>Gross</strong> is what they earned, the platform <strong>fee</strong> comes off it,{" "}
            <strong>net</strong> is yours; net is either <strong>pending</strong> (not paid on chain yet) or <strong>settled</strong> (paid). Each
            number opens the ledger lines it adds up.
          </p>
        </div>
        {e ? (
          <a class="button" href={p.csvUrl} hx-boost="false" download="akash-home-earnings.csv">
            Download CSV
          </a>
        ) : (
          ""
        )}
      </div>
      <Flash text={p.flash} />
      <p class="small">
        Payouts go to <code class="address" safe>{p.payout.payoutAddress}</code> (<a href="#payout">{p.payout.isOwn ? "the address you signed in with" : "the payout address you set"}</a>).
      </p>
      {!e ? (
        <Alert tone="info" title="This registry does not compute earnings yet">
          <p>Its operators have not switched rewards on. Your devices&apos; uptime is recorded meanwhile; it counts once they do.</p>
        </Alert>
      ) : e.totals.length === 0 ? (
        <Alert tone="info" title="No earnings yet">
          <p safe>
            {`Earnings appear when an epoch closes${e.nextCloseAt ? ` (the next one at ${formatWhen(e.nextCloseAt)})` : ""}. A device that is online and verified earns an availability share even when no workload runs on it; workloads earn more.`}
          </p>
        </Alert>
      ) : (
        <>
          <TotalsGrid totals={e.totals} />
          <section class="card" aria-labelledby="chart-title">
            <div class="card-head">
              <h2 id="chart-title" safe>
                {`Net per epoch (${unitName(denom)})`}
              </h2>
              {e.nextCloseAt ? <span class="small muted" safe>{`next epoch closes ${formatWhen(e.nextCloseAt)}`}</span> : ""}
            </div>
            <EpochChart epochs={e.epochs} denom={denom} />
            <Legend
              entries={[
                { swatch: "key-1", label: "settled" },
                { swatch: "up-paused", label: "pending" },
              ]}
            />
          </section>
        </>
      )}
      {p.selection ? <LedgerTable selection={p.selection} /> : ""}
      {e && e.devices.length > 0 ? (
        <section class="card" aria-labelledby="per-device-title">
          <h2 id="per-device-title">By device</h2>
          <DataTable
            columns={[
              {
                label: "Device",
                cell: (r: DeviceRow) => (
                  <a href={pagePath(PORTAL_PAGES.device, { id: r.deviceId })} safe>
                    {p.deviceNames[r.deviceId] ?? r.deviceId}
                  </a>
                ),
              },
              ...(["net", "pending", "settled"] as const).map(
                (f): Column<DeviceRow> => ({
                  label: f[0]!.toUpperCase() + f.slice(1),
                  num: true,
                  cell: (r) => (
                    <a href={earningsLink({ show: f, denom: r.totals.denom, device: r.deviceId })} safe>
                      {formatAmount(r.totals[f], r.totals.denom)}
                    </a>
                  ),
                }),
              ),
            ]}
            rows={e.devices.flatMap((d) => d.totals.map((totals) => ({ deviceId: d.deviceId, totals })))}
          />
        </section>
      ) : (
        ""
      )}
      {e && e.epochs.length > 0 ? (
        <section class="card" aria-labelledby="epochs-title">
          <h2 id="epochs-title">By epoch</h2>
          <DataTable columns={EPOCH_COLUMNS} rows={e.epochs.slice(0, 60)} />
        </section>
      ) : (
        ""
      )}
      {e && e.payouts.length > 0 ? (
        <section class="card" aria-labelledby="payouts-title">
          <h2 id="payouts-title">Payouts</h2>
          <DataTable columns={PAYOUT_COLUMNS} rows={e.payouts} />
        </section>
      ) : (
        ""
      )}
      {e ? (
        <p class="small muted" safe>
          {`A balance is paid out once it reaches the minimum payout (${e.minimumPayout.map((m) => formatAmount(m.amount, m.denom)).join(", ")}); below it, it waits for the next payout.`}
        </p>
      ) : (
        ""
      )}
      <PayoutAddressCard p={p.payout} />
    </PortalLayout>
  );
}

/** DeviceEarningsPanel is a device page's earnings: its totals (each opening its lines) and its recent epochs with why. */
export function DeviceEarningsPanel({ earnings }: { earnings: DeviceEarnings | null }): JSX.Element {
  return (
    <section class="card" aria-labelledby="dev-earn-title">
      <h2 id="dev-earn-title">Earnings</h2>
      {!earnings ? (
        <p class="muted">This registry does not compute earnings yet.</p>
      ) : earnings.totals.length === 0 ? (
        <p class="muted" safe>
          {`Nothing earned yet: earnings appear when an epoch closes${earnings.nextCloseAt ? ` (next at ${formatWhen(earnings.nextCloseAt)})` : ""}.`}
        </p>
      ) : (
        <>
          <TotalsGrid totals={earnings.totals} device={earnings.deviceId} />
          {earnings.epochs.length > 0 ? (
            <DataTable
              columns={[
                { label: "Epoch", text: epochDay },
                { label: "Net", num: true, cell: (x) => netLink(x.net, x.denom, { device: earnings.deviceId, epoch: x.epochId }) },
                { label: "Why", text: (x) => x.verdict?.reason ?? "" },
              ]}
              rows={earnings.epochs.slice(0, 10)}
            />
          ) : (
            ""
          )}
        </>
      )}
      <p class="small">
        <a href={PORTAL_PAGES.earnings}>All your earnings</a>
      </p>
    </section>
  );
}
