import { PORTAL_PAGES, pagePath, type DeviceListFilter, type DevicePage, type OperatorOffer } from "../../protocol/index.ts";
import { Alert, EmptyState } from "../kit/index.ts";
import { DeviceFilters, DeviceTable } from "./device-table.tsx";
import { AddDeviceButton } from "./add-device-button.tsx";
import { Flash } from "./flash.tsx";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";

export interface DevicesPageProps {
  ctx: PortalContext;
  data: DevicePage;
  filter: DeviceListFilter;
  /** Open offers to run a region as its operator. */
  offers: OperatorOffer[];
  /** Region names for the offers. */
  regionNames: Record<string, string>;
  /** The command that updates an agent in place, for the "update available" notice. */
  updateCommand: string;
  /** A one-line result of the last action (e.g. "Paused: …"), shown once. */
  flash: string | null;
}

function summaryLine(d: DevicePage): string {
  const n = (s: string) => d.byState[s] ?? 0;
  const current = d.total - n("removed");
  if (current === 0) return "You have no devices in the network yet.";
  const parts = [`${n("online")} online`];
  if (n("offline")) parts.push(`${n("offline")} offline`);
  if (n("paused")) parts.push(`${n("paused")} paused`);
  const waiting = n("waitlisted") + n("pending_approval") + n("assigned") + n("joining");
  if (waiting) parts.push(`${waiting} on the way in`);
  return `${current} device${current === 1 ? "" : "s"}: ${parts.join(", ")}.`;
}

/** DevicesPage is the owner's fleet: every device with its state, region, hardware, agent and a month of uptime. */
export function DevicesPage(p: DevicesPageProps): JSX.Element {
  const behind = p.data.devices.filter((d) => d.updateAvailable).length;
  return (
    <PortalLayout ctx={p.ctx} title="My devices" nav="devices" wide>
      <div class="page-head card-head">
        <div>
          <h1>My devices</h1>
          <p class="lead" safe>
            {summaryLine(p.data)}
          </p>
        </div>
        <AddDeviceButton />
      </div>
      <Flash text={p.flash} />
      {p.offers.map((o) => (
        <Alert tone="info" title={`You are invited to run ${p.regionNames[o.regionId] ?? o.regionId}`}>
          <p>
            Enough devices wait near this planned region for it to start. As its operator you approve devices, watch its health and keep it
            running; the core team sets up its control plane with you.
          </p>
          <div class="actions">
            <form method="post" action={pagePath(PORTAL_PAGES.offerDecision, { id: o.id, decision: "accept" })}>
              <button type="submit" class="button primary">
                Accept the operator role
              </button>
            </form>
            <form method="post" action={pagePath(PORTAL_PAGES.offerDecision, { id: o.id, decision: "decline" })}>
              <button type="submit" class="button">
                Decline
              </button>
            </form>
          </div>
        </Alert>
      ))}
      {behind > 0 ? (
        <Alert tone="warning" title={`Update available for ${behind} device${behind === 1 ? "" : "s"} on this page`}>
          <p>Their agent is older than this registry. On each of them, run the installer again; it replaces the agent and keeps the device&apos;s identity and place:</p>
          <p>
            <code safe>{p.updateCommand}</code>
          </p>
        </Alert>
      ) : (
        ""
      )}
      <section class="card" aria-label="Devices">
        {p.data.total > 0 ? <DeviceFilters pagePath={PORTAL_PAGES.devices} tablePath={PORTAL_PAGES.devicesTable} filter={p.filter} data={p.data} admin={false} /> : ""}
        <DeviceTable data={p.data} filter={p.filter} pagePath={PORTAL_PAGES.devices} showOwner={false} bulkPath={PORTAL_PAGES.devicesBulk} empty={<NoDevices />} />
      </section>
    </PortalLayout>
  );
}

/** NoDevices is the empty list: what to do to get a first device in. */
export function NoDevices(): JSX.Element {
  return (
    <EmptyState title="No devices yet.">
      <p>
        Make a claim code, then run the install command it comes with on the computer you want to share. The device shows up here as
        soon as its agent checks in, usually within a minute.
      </p>
      <p>
        <AddDeviceButton />
      </p>
    </EmptyState>
  );
}
