import { DEVICE_STATES, PORTAL_PAGES, pagePath, type DeviceListFilter, type DevicePage, type DeviceSummary } from "../../protocol/index.ts";
import { DataTable, EmptyState, formatWhen, type Column } from "../kit/index.ts";
import { DEVICE_STATE_LABELS, DeviceStatePill } from "./device-state-pill.tsx";
import { hardwareLine } from "./hardware-line.ts";
import { shortAddress } from "./portal-layout.tsx";
import { formatShare } from "./format-span.ts";
import { UptimeBar, UptimeLegend } from "./uptime-strip.tsx";

// The device list shared by the owner portal and the admin portal: filters that work as a plain GET form
// and, with htmx, swap only the table; a table that becomes one block per device on a phone; pages.

/** listQuery is the query string of a filtered list page; empty values are left out. */
export function listQuery(filter: DeviceListFilter, page = 1): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (typeof v === "string" && v !== "") q.set(k, v);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** uptimeShort is a strip's online share in a few words, or that nothing was heard. */
function uptimeShort(u: NonNullable<DeviceSummary["uptime"]>): string {
  return u.onlineFraction + u.pausedFraction + u.offlineFraction === 0 ? "no data" : `${formatShare(u.onlineFraction)} online`;
}

export interface DeviceFiltersProps {
  /** The full page's path (for plain form submits and the address bar) and the table partial's. */
  pagePath: string;
  tablePath: string;
  filter: DeviceListFilter;
  data: DevicePage;
  /** The admin list (one region's devices) filters by owner and agent version too; the owner's by region. */
  admin: boolean;
}

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: { value: string; label: string }[] }): JSX.Element {
  return (
    <div>
      <label for={`filter-${name}`} safe>
        {label}
      </label>
      <select id={`filter-${name}`} name={name}>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** DeviceFilters narrows the list by state, region or GPU model, owner, agent version and name. */
export function DeviceFilters(p: DeviceFiltersProps): JSX.Element {
  const count = (s: string) => p.data.byState[s] ?? 0;
  const states = [
    { value: "current", label: `All but removed (${p.data.total - count("removed")})` },
    { value: "all", label: `All (${p.data.total})` },
    // States no device is in are left out, except the one asked for: the box must show the filter in force.
    ...DEVICE_STATES.filter((s) => count(s) > 0 || s === p.filter.state).map((s) => ({ value: s, label: `${DEVICE_STATE_LABELS[s].label} (${count(s)})` })),
  ];
  return (
    <form
      class="filters"
      method="get"
      action={p.pagePath}
      role="search"
      aria-label="Filter devices"
      hx-get={p.tablePath}
      hx-target="#device-table"
      hx-swap="outerHTML"
      hx-trigger="change, submit"
    >
      <Select name="state" label="Status" value={p.filter.state ?? "current"} options={states} />
      {p.admin ? (
        ""
      ) : (
        <Select name="region" label="Region" value={p.filter.region ?? ""} options={[{ value: "", label: "Any region" }, ...p.data.choices.regions.map((r) => ({ value: r.id, label: r.name }))]} />
      )}
      <Select name="gpu" label="GPU model" value={p.filter.gpu ?? ""} options={[{ value: "", label: "Any" }, ...p.data.choices.gpuModels.map((m) => ({ value: m, label: m }))]} />
      {p.admin ? (
        <Select name="agentVersion" label="Agent version" value={p.filter.agentVersion ?? ""} options={[{ value: "", label: "Any" }, ...p.data.choices.agentVersions.map((v) => ({ value: v, label: v }))]} />
      ) : (
        ""
      )}
      {p.admin ? (
        <div>
          <label for="filter-owner">Owner address starts with</label>
          <input id="filter-owner" type="text" name="owner" value={p.filter.owner ?? ""} autocomplete="off" spellcheck="false" placeholder="akash1…" />
        </div>
      ) : (
        ""
      )}
      <div>
        <label for="filter-text">Name or id</label>
        <input id="filter-text" type="search" name="text" value={p.filter.text ?? ""} autocomplete="off" spellcheck="false" hx-trigger="keyup changed delay:400ms" hx-get={p.tablePath} hx-target="#device-table" hx-swap="outerHTML" hx-include="closest form" />
      </div>
      <div>
        <button type="submit" class="button">
          Apply
        </button>
      </div>
    </form>
  );
}

export interface DeviceTableProps {
  data: DevicePage;
  filter: DeviceListFilter;
  /** The full page's path, for the pager's links. */
  pagePath: string;
  /** The admin list shows each device's owner instead of its region (all are of one region). */
  showOwner: boolean;
  /** Extra cell per row (the admin portal's actions). */
  actions?: (d: DeviceSummary) => JSX.Element;
  /** Where the owner's bulk pause and resume posts: each row gets a box to tick, the list a bar with the buttons. */
  bulkPath?: string;
  /** What to say when nothing matches and the list is empty. */
  empty: JSX.Element;
}

function deviceColumns(p: DeviceTableProps): Column<DeviceSummary>[] {
  const columns: Column<DeviceSummary>[] = [
    {
      label: "Device",
      cell: (dev) => (
        <div>
          <a class="device-name" href={pagePath(PORTAL_PAGES.device, { id: dev.deviceId })} safe>
            {dev.name || dev.deviceId}
          </a>
          <span class="small muted block">
            <code safe>{dev.deviceId}</code>
          </span>
        </div>
      ),
    },
    {
      label: "Status",
      cell: (dev) => (
        <div>
          <DeviceStatePill state={dev.state} />
          <span class="small muted block">{dev.lastSeenAt ? <span safe>{`heard ${formatWhen(dev.lastSeenAt)}`}</span> : "never heard from"}</span>
        </div>
      ),
    },
    p.showOwner
      ? {
          label: "Owner",
          cell: (dev) => (
            <code class="address" title={dev.owner} safe>
              {shortAddress(dev.owner)}
            </code>
          ),
        }
      : { label: "Region", text: (dev) => dev.region?.name ?? "—" },
    { label: "Hardware", text: (dev) => hardwareLine(dev.hardware) },
    {
      label: "Agent",
      cell: (dev) => (
        <div>
          <span safe>{dev.agentVersion}</span>
          {dev.updateAvailable ? <span class="update-note block">Update available</span> : ""}
        </div>
      ),
    },
    {
      label: "Last 30 days",
      cell: (dev) =>
        dev.uptime ? (
          <div>
            <UptimeBar strip={dev.uptime} days={30} />
            <span class="small muted" safe>
              {uptimeShort(dev.uptime)}
            </span>
          </div>
        ) : (
          <span class="muted">—</span>
        ),
    },
  ];
  const actions = p.actions;
  const form = BULK_FORM;
  const select: Column<DeviceSummary>[] = p.bulkPath
    ? [
        {
          label: "Select",
          class: "select-cell",
          head: () => <input type="checkbox" data-select-all={form} aria-label="Select every device on this page" />,
          cell: (dev) => (
            <label>
              <input type="checkbox" name="device" value={dev.deviceId} form={form} />
              <span class="visually-hidden" safe>{`Select ${dev.name || dev.deviceId}`}</span>
            </label>
          ),
        },
      ]
    : [];
  return [...select, ...columns, ...(actions ? [{ label: "Actions", cell: (dev: DeviceSummary) => actions(dev) }] : [])];
}

const BULK_FORM = "bulk-devices";

/** BulkBar pauses or resumes the ticked devices; back brings the owner to this page of the list afterwards. */
function BulkBar({ action, back }: { action: string; back: string }): JSX.Element {
  return (
    <form id={BULK_FORM} class="bulk-actions" method="post" action={action}>
      <input type="hidden" name="back" value={back} />
      <span class="small muted">With the devices ticked below:</span>
      <button type="submit" name="action" value="pause" class="button small">
        Pause
      </button>
      <button type="submit" name="action" value="resume" class="button small">
        Resume
      </button>
    </form>
  );
}

/** DeviceTable is the list itself, with an id htmx swaps; each device's name opens its page. */
export function DeviceTable(p: DeviceTableProps): JSX.Element {
  const d = p.data;
  const pages = Math.max(1, Math.ceil(d.matching / d.pageSize));
  return (
    <div id="device-table">
      {d.total === 0 ? (
        p.empty
      ) : d.matching === 0 ? (
        <EmptyState title="No device matches these filters.">
          <p>
            <a href={p.pagePath}>Show all devices</a>
          </p>
        </EmptyState>
      ) : (
        <>
          {p.bulkPath ? <BulkBar action={p.bulkPath} back={`${p.pagePath}${listQuery(p.filter, d.page)}`} /> : ""}
          <DataTable columns={deviceColumns(p)} rows={d.devices} class="devices" />
          <UptimeLegend />
          <nav class="pager" aria-label="Pages">
            <span safe>{`${d.matching} device${d.matching === 1 ? "" : "s"}${pages > 1 ? `, page ${d.page} of ${pages}` : ""}`}</span>
            {pages > 1 ? (
              <span class="inline-buttons">
                {d.page > 1 ? (
                  <a class="button small" href={`${p.pagePath}${listQuery(p.filter, d.page - 1)}`}>
                    Previous
                  </a>
                ) : (
                  ""
                )}
                {d.page < pages ? (
                  <a class="button small" href={`${p.pagePath}${listQuery(p.filter, d.page + 1)}`}>
                    Next
                  </a>
                ) : (
                  ""
                )}
              </span>
            ) : (
              ""
            )}
          </nav>
        </>
      )}
    </div>
  );
}
