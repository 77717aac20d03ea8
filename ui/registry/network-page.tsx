import { PORTAL_PAGES, type NetworkStats } from "../../protocol/index.ts";
import { DataTable, formatGiB, formatNumber, formatWhen, type Column } from "../kit/index.ts";
import { AddDeviceButton } from "./add-device-button.tsx";
import { LoadMeter } from "./load-meter.tsx";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";
import { Stat, StatList } from "./stat-list.tsx";

export interface NetworkPageProps {
  ctx: PortalContext;
  stats: NetworkStats;
  /** The map image's URL (it changes when the numbers do, so browsers fetch the new one). */
  mapUrl: string;
}

type RegionLoad = NetworkStats["regions"][number];
type WaitingArea = NetworkStats["waitingAreas"][number];

const GPU_COLUMNS: Column<NetworkStats["gpusByModel"][number]>[] = [
  { label: "Model", text: (g) => g.model },
  { label: "GPUs", num: true, text: (g) => formatNumber(g.count) },
];

const WAITING_COLUMNS: Column<WaitingArea>[] = [
  {
    label: "Area",
    cell: (w) => (
      <span>
        <span safe>{w.label}</span>
        {w.readyToBootstrap ? <span class="tag tag-good">ready for a region</span> : ""}
      </span>
    ),
  },
  { label: "Waiting", num: true, text: (w) => formatNumber(w.waiting) },
  { label: "Needed", num: true, text: (w) => formatNumber(w.threshold) },
];

const REGION_COLUMNS: Column<RegionLoad>[] = [
  {
    label: "Region",
    cell: (r) => (
      <div>
        <span safe>{r.name}</span> <span class="small muted" safe>{`(${r.locationRegion})`}</span>
      </div>
    ),
  },
  { label: "Status", text: (r) => (r.status === "planned" ? "planned" : r.placed >= r.capacity ? "full" : "open") },
  { label: "Online", num: true, text: (r) => formatNumber(r.online) },
  { label: "Devices / places", num: true, text: (r) => `${formatNumber(r.placed)} / ${formatNumber(r.capacity)}` },
  { label: "Load", cell: (r) => <LoadMeter placed={r.placed} capacity={r.capacity} /> },
];

/** NetworkPage is the public view of the network: totals, a world map of devices by area, regions with their load, and where devices wait. */
export function NetworkPage(p: NetworkPageProps): JSX.Element {
  const s = p.stats;
  return (
    <PortalLayout ctx={p.ctx} title="The network" nav="network" wide>
      <div class="page-head">
        <h1>Akash at Home network</h1>
        <p class="lead">
          Computers in homes, joined into regional clusters of the Akash network. Anyone can see these numbers; nobody can see where a home
          is.
        </p>
      </div>
      <StatList label="Totals">
        <Stat value={formatNumber(s.devicesOnline)} label="devices online" />
        <Stat value={formatNumber(s.gpusOnline)} label="GPUs online" />
        <Stat value={formatNumber(s.cpuCoresOnline)} label="CPU cores online" />
        <Stat value={formatGiB(s.memoryBytesOnline)} label="memory online" />
        <Stat value={formatNumber(s.devicesWaiting)} label="devices waiting for a region" />
      </StatList>
      <figure class="map-figure">
        <img src={p.mapUrl} width="960" height="500" alt={`World map: ${s.cells.length} area${s.cells.length === 1 ? "" : "s"} with devices and ${s.waitingAreas.length} where devices wait; the tables below list the same numbers.`} />
        <figcaption safe>
          {`Red marks: devices by area, counted in hexagonal cells (the number is how many). Dashed circles: devices waiting for a region. ${s.privacy.rule}${s.unmapped > 0 ? ` ${s.unmapped} device${s.unmapped === 1 ? " is" : "s are"} counted in the totals but not drawn.` : ""} Updated ${formatWhen(s.at)}.`}
        </figcaption>
      </figure>
      <div class="grid">
        <section class="card" aria-labelledby="gpu-title">
          <h2 id="gpu-title">GPUs online by model</h2>
          <DataTable columns={GPU_COLUMNS} rows={s.gpusByModel} stack={false} empty="No GPU is online right now." />
        </section>
        <section class="card" aria-labelledby="waiting-title">
          <h2 id="waiting-title">Waiting for a region</h2>
          {s.waitingAreas.length === 0 ? (
            <p class="muted" safe>
              {s.devicesWaiting === 0 ? "No device is waiting: every device found a region." : `${s.devicesWaiting} device(s) wait in areas too small to name here.`}
            </p>
          ) : (
            <>
              <DataTable columns={WAITING_COLUMNS} rows={s.waitingAreas} stack={false} />
              {s.waitingElsewhere > 0 ? <p class="small muted" safe>{`${s.waitingElsewhere} more wait in smaller areas.`}</p> : ""}
            </>
          )}
        </section>
      </div>
      <section class="card" aria-labelledby="regions-title">
        <h2 id="regions-title">Regions</h2>
        <DataTable columns={REGION_COLUMNS} rows={s.regions} />
      </section>
      <section class="card" aria-labelledby="join-title">
        <h2 id="join-title">Share a computer</h2>
        <p>
          Sign in with your Akash wallet, make a claim code and run one command on the computer. It joins the nearest region with room, or
          waits in line for one.
        </p>
        <p>
          <AddDeviceButton />
        </p>
      </section>
    </PortalLayout>
  );
}
