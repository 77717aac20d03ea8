import { PORTAL_PAGES, pagePath, type AuditEntry, type ComponentHealth, type DeviceListFilter, type DevicePage, type DeviceSummary, type RegionOverview, type WaitlistArea } from "../../protocol/index.ts";
import { Alert, DataTable, EmptyState, formatNumber, formatWhen, InputField, type Column } from "../kit/index.ts";
import { DeviceFilters, DeviceTable } from "./device-table.tsx";
import { Flash } from "./flash.tsx";
import { LoadMeter } from "./load-meter.tsx";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";
import { Stat, StatList } from "./stat-list.tsx";

// The admin portal for regional operators: the regions they operate with load and health, waiting areas,
// each region's devices with the actions an operator takes, and the audit log of those actions.

const HEALTH_WORDS: Record<ComponentHealth["status"], string> = { ok: "healthy", failing: "failing", not_configured: "not connected", unknown: "unknown" };

function Health({ h }: { h: ComponentHealth }): JSX.Element {
  return (
    <span>
      <span class={`health-${h.status}`} safe>
        {HEALTH_WORDS[h.status]}
      </span>
      {h.status === "not_configured" || h.detail === "ok" ? "" : <span class="small muted block" safe>{h.detail}</span>}
      {h.checkedAt ? <span class="small muted block" safe>{`checked ${formatWhen(h.checkedAt)}`}</span> : ""}
    </span>
  );
}

function Load({ r }: { r: RegionOverview }): JSX.Element {
  return (
    <span>
      <span safe>{`${formatNumber(r.placed)} of ${formatNumber(r.capacity)}`}</span>
      <LoadMeter placed={r.placed} capacity={r.capacity} />
    </span>
  );
}

const REGION_COLUMNS: Column<RegionOverview>[] = [
  {
    label: "Region",
    cell: (r) => (
      <div>
        <a href={pagePath(PORTAL_PAGES.adminRegion, { id: r.id })} safe>
          {r.name}
        </a>
        <span class="small muted block" safe>
          {`${r.id} · ${r.locationRegion} · ${r.status}, ${r.admission === "approval" ? "approval needed" : "open"}`}
        </span>
      </div>
    ),
  },
  { label: "Devices / capacity", cell: (r) => <Load r={r} /> },
  { label: "Online", num: true, text: (r) => formatNumber(r.online) },
  {
    label: "To approve",
    num: true,
    cell: (r) =>
      r.pending > 0 ? (
        <a href={`${pagePath(PORTAL_PAGES.adminRegion, { id: r.id })}?state=pending_approval`} safe>
          {formatNumber(r.pending)}
        </a>
      ) : (
        "0"
      ),
  },
  { label: "Headscale", cell: (r) => <Health h={r.headscale} /> },
  { label: "Cluster API", cell: (r) => <Health h={r.cluster} /> },
  { label: "Ingress", cell: (r) => <Health h={r.ingress} /> },
];

const WAITING_COLUMNS: Column<WaitingAreaView>[] = [
  { label: "Area", text: (w) => w.label },
  { label: "Waiting", num: true, text: (w) => formatNumber(w.waiting) },
  { label: "Threshold", num: true, text: (w) => formatNumber(w.threshold) },
  {
    label: "Ready to bootstrap",
    cell: (w) =>
      w.readyToBootstrap ? (
        <span>
          <span class="yes">✓ ready</span>
          {w.bootstrapRegion ? (
            <a class="block small" href={`${pagePath(PORTAL_PAGES.adminRegion, { id: w.bootstrapRegion.id })}#offer`} safe>
              {`Offer ${w.bootstrapRegion.name} to a first user`}
            </a>
          ) : (
            ""
          )}
        </span>
      ) : (
        <span class="muted" safe>{`${w.threshold - w.waiting} more needed`}</span>
      ),
  },
  { label: "Waiting since", text: (w) => (w.oldestSince ? formatWhen(w.oldestSince) : "—") },
];

const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { label: "When", text: (e) => formatWhen(e.at) },
  {
    label: "Who",
    cell: (e) => (
      <code class="address" safe>
        {e.actor}
      </code>
    ),
  },
  { label: "Action", text: (e) => e.action },
  { label: "Target", cell: (e) => <code safe>{e.target}</code> },
  { label: "Region", text: (e) => e.regionId ?? "—" },
  { label: "Detail", text: (e) => e.detail || "—" },
];

/** WaitingAreaView is a waiting area with a label for people and, when one fits, the planned region to offer. */
export interface WaitingAreaView extends WaitlistArea {
  label: string;
  bootstrapRegion: { id: string; name: string } | null;
}

export interface AdminPageProps {
  ctx: PortalContext;
  regions: RegionOverview[];
  waiting: WaitingAreaView[];
  audit: AuditEntry[];
  /** True for an operator of every region (the waitlists are theirs to act on). */
  global: boolean;
}

/** AdminPage is an operator's overview: their regions with capacity and health, waiting areas, recent actions. */
export function AdminPage(p: AdminPageProps): JSX.Element {
  return (
    <PortalLayout ctx={p.ctx} title="Operators" nav="admin" wide>
      <div class="page-head">
        <h1>Regions you operate</h1>
        <p class="lead">Approve, pause, drain and remove devices; watch capacity and each region&apos;s Headscale, cluster API and ingress. Every action is in the audit log.</p>
      </div>
      <section class="card" aria-labelledby="regions-title">
        <h2 id="regions-title">Regions</h2>
        <DataTable columns={REGION_COLUMNS} rows={p.regions} empty="You operate no region yet." />
      </section>
      <section class="card" aria-labelledby="wait-title">
        <h2 id="wait-title">Waiting areas</h2>
        <DataTable columns={WAITING_COLUMNS} rows={p.waiting} empty="No device is waiting for a region." />
      </section>
      <section class="card" aria-labelledby="audit-title">
        <div class="card-head">
          <h2 id="audit-title">Recent actions</h2>
          <a href={PORTAL_PAGES.adminAudit}>Full audit log</a>
        </div>
        <AuditTable entries={p.audit} />
      </section>
    </PortalLayout>
  );
}

/** AuditTable lists audit entries, newest first; actor, target and detail are text whatever they hold. */
export function AuditTable({ entries }: { entries: AuditEntry[] }): JSX.Element {
  return <DataTable columns={AUDIT_COLUMNS} rows={entries} empty="No actions recorded yet." />;
}

export interface AdminRegionPageProps {
  ctx: PortalContext;
  region: RegionOverview;
  data: DevicePage;
  filter: DeviceListFilter;
  flash: { tone: "success" | "error"; text: string } | null;
  /** The operator-offer form's last input and refusal. */
  offer: { owner: string; error: string | null };
}

interface ActionButton {
  action: string;
  label: string;
  danger?: boolean;
}

const REMOVE_OR_BAN: ActionButton[] = [
  { action: "remove", label: "Remove", danger: true },
  { action: "ban", label: "Ban", danger: true },
];
/** A device holding a place in the region: it can be paused, drained, removed or banned. */
const PLACED_ACTIONS: ActionButton[] = [{ action: "pause", label: "Pause" }, { action: "drain", label: "Drain" }, ...REMOVE_OR_BAN];

const ACTIONS_BY_STATE: Record<string, ActionButton[]> = {
  pending_approval: [{ action: "approve", label: "Approve" }, ...REMOVE_OR_BAN],
  waitlisted: REMOVE_OR_BAN,
  assigned: PLACED_ACTIONS,
  joining: PLACED_ACTIONS,
  online: PLACED_ACTIONS,
  offline: PLACED_ACTIONS,
  paused: [{ action: "resume", label: "Resume" }, { action: "drain", label: "Drain" }, ...REMOVE_OR_BAN],
  removed: [],
  banned: [],
};

/** DeviceActionsCell is an operator's actions on one device, with the reason that goes to the audit log. */
export function DeviceActionsCell({ d }: { d: DeviceSummary }): JSX.Element {
  const actions = ACTIONS_BY_STATE[d.state] ?? [];
  if (actions.length === 0) return <span class="muted">none</span>;
  const formId = `act-${d.deviceId}`;
  return (
    <details>
      <summary>{d.state === "pending_approval" ? "Approve or refuse" : "Act"}</summary>
      <form method="post" id={formId} action={pagePath(PORTAL_PAGES.adminDeviceAction, { id: d.deviceId })}>
        <div class="field reason-field">
          <label for={`${formId}-reason`}>Reason (for the audit log)</label>
          <input type="text" id={`${formId}-reason`} name="reason" maxlength="500" autocomplete="off" />
        </div>
        <div class="row-actions">
          {actions.map((a) => (
            <button
              type="submit"
              name="action"
              value={a.action}
              class={a.danger ? "button small danger" : "button small"}
              hx-confirm={a.action === "ban" ? "Ban this device? Its machine can never check in again." : a.action === "remove" ? "Remove this device? Its workloads move elsewhere and it leaves the cluster." : undefined}
              safe
            >
              {a.label}
            </button>
          ))}
        </div>
      </form>
    </details>
  );
}

/** RegionNoDevices is a region's empty device list. */
export function RegionNoDevices(): JSX.Element {
  return (
    <EmptyState title="No device has been placed in this region yet.">
      <p class="muted">Devices appear here as they check in and are placed here.</p>
    </EmptyState>
  );
}

/** AdminRegionPage is one region for its operators: capacity, health, devices with actions, and the operator offer. */
export function AdminRegionPage(p: AdminRegionPageProps): JSX.Element {
  const r = p.region;
  const here = pagePath(PORTAL_PAGES.adminRegion, { id: r.id });
  return (
    <PortalLayout ctx={p.ctx} title={r.name} nav="admin" wide>
      <p class="small">
        <a href={PORTAL_PAGES.admin}>← Regions you operate</a>
      </p>
      <div class="page-head">
        <h1 safe>{r.name}</h1>
        <p class="lead" safe>
          {`${r.id} · ${r.locationRegion} · ${r.status} · ${r.admission === "approval" ? "devices need approval" : "open to devices"}`}
        </p>
      </div>
      <Flash text={p.flash?.text ?? null} tone={p.flash?.tone} />
      {r.cluster.status === "not_configured" ? (
        <Alert tone="info" title="The registry is not connected to this region's cluster">
          <p>
            Devices are placed here and report their uptime, but the registry cannot see their workloads, check Headscale and ingress, or
            drain and delete Nodes when devices leave. To connect it, give this region kubeconfig, headscale and join in the registry&apos;s
            config (`akash-home registry region manifest` prints the access the registry needs in the cluster) and restart the registry.
          </p>
        </Alert>
      ) : (
        ""
      )}
      <StatList label="Region totals">
        <Stat label="devices holding a place, of the limit">
          <Load r={r} />
        </Stat>
        <Stat value={formatNumber(r.online)} label="online" />
        <Stat value={formatNumber(r.pending)} label="waiting for approval" />
        <Stat label="Headscale">
          <Health h={r.headscale} />
        </Stat>
        <Stat label="cluster API">
          <Health h={r.cluster} />
        </Stat>
        <Stat label="ingress">
          <Health h={r.ingress} />
        </Stat>
      </StatList>
      <section class="card" aria-label="Devices of this region">
        <DeviceFilters pagePath={here} tablePath={pagePath(PORTAL_PAGES.adminRegionTable, { id: r.id })} filter={p.filter} data={p.data} admin />
        <DeviceTable
          data={p.data}
          filter={p.filter}
          pagePath={here}
          showOwner
          actions={(d) => <DeviceActionsCell d={d} />}
          empty={<RegionNoDevices />}
        />
      </section>
      {r.firstUserBootstraps && r.status === "planned" ? (
        <section class="card" id="offer" aria-labelledby="offer-title">
          <h2 id="offer-title">Offer the operator role</h2>
          <p>This planned region lets its first user bootstrap it. Offer the operator role to an owner, e.g. the first one waiting nearby; they accept it in their portal.</p>
          <form method="post" action={pagePath(PORTAL_PAGES.adminOffer, { id: r.id })}>
            <InputField name="owner" label="Owner's Akash address" value={p.offer.owner} error={p.offer.error} placeholder="akash1…" autocomplete="off" spellcheck={false} required />
            <div class="actions">
              <button type="submit" class="button primary">
                Offer the role
              </button>
            </div>
          </form>
        </section>
      ) : (
        ""
      )}
    </PortalLayout>
  );
}

export interface AuditPageProps {
  ctx: PortalContext;
  entries: AuditEntry[];
  region: string;
  regions: { id: string; name: string }[];
}

/** AuditPage is the audit log of the regions the operator may see, newest first. */
export function AuditPage(p: AuditPageProps): JSX.Element {
  return (
    <PortalLayout ctx={p.ctx} title="Audit log" nav="admin" wide>
      <p class="small">
        <a href={PORTAL_PAGES.admin}>← Regions you operate</a>
      </p>
      <div class="page-head">
        <h1>Audit log</h1>
        <p class="lead">Every operator action and every device an owner removed, paused or resumed, with who did it and why.</p>
      </div>
      <section class="card" aria-label="Audit entries">
        <form class="filters" method="get" action={PORTAL_PAGES.adminAudit}>
          <div>
            <label for="audit-region">Region</label>
            <select id="audit-region" name="region">
              {p.regions.map((r) => (
                <option value={r.id} selected={r.id === p.region} safe>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" class="button">
              Show
            </button>
          </div>
        </form>
        <AuditTable entries={p.entries} />
      </section>
    </PortalLayout>
  );
}
