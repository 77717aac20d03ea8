import type { Children } from "@kitajs/html";
import { deviceStateMessage, PORTAL_PAGES, pagePath, type DeviceDetail, type ResourceSample } from "../../protocol/index.ts";
import { Alert, CheckList, DataTable, EmptyState, Fact, Facts, formatGiB, formatNumber, formatWhen, type Column } from "../kit/index.ts";
import { DeviceStatePill } from "./device-state-pill.tsx";
import { earningChecks } from "./earning-checks.ts";
import { Flash } from "./flash.tsx";
import { formatShare, formatSpan } from "./format-span.ts";
import { hardwareLine } from "./hardware-line.ts";
import { Legend } from "./legend.tsx";
import { LineChart } from "./line-chart.tsx";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";
import { UptimeBar, UptimeLegend, uptimeSentence } from "./uptime-strip.tsx";

export interface DevicePageProps {
  ctx: PortalContext;
  detail: DeviceDetail;
  /** The owner gets the controls; an operator looking at a device of their region gets a link back. */
  viewer: "owner" | "operator";
  updateCommand: string;
  flash: string | null;
  /** The earnings panel, rendered by the earnings views. */
  children?: Children;
}

const PAUSABLE = new Set(["assigned", "joining", "online", "offline"]);

/** DevicePage is one device: state and why, uptime with downtime periods, workloads, resource use, benchmark, earnings, history, controls. */
export function DevicePage(p: DevicePageProps): JSX.Element {
  const d = p.detail.device;
  const back = p.viewer === "owner" ? { href: PORTAL_PAGES.devices, label: "All my devices" } : d.region ? { href: pagePath(PORTAL_PAGES.adminRegion, { id: d.region.id }), label: `All devices of ${d.region.name}` } : { href: PORTAL_PAGES.admin, label: "Operators" };
  return (
    <PortalLayout ctx={p.ctx} title={d.name || d.deviceId} nav={p.viewer === "owner" ? "devices" : "admin"}>
      <p class="small">
        <a href={back.href} safe>
          {`← ${back.label}`}
        </a>
      </p>
      <div class="page-head">
        <h1 class="device-name" safe>
          {d.name || d.deviceId}
        </h1>
        <p class="lead">
          <DeviceStatePill state={d.state} /> <span safe>{deviceStateMessage(d.state)}</span>
        </p>
        <p class="small muted" safe>
          {`Since ${formatWhen(d.stateSince)}${d.stateReason ? `: ${d.stateReason}` : ""}.`}
        </p>
      </div>
      <Flash text={p.flash} />
      {d.updateAvailable ? (
        <Alert tone="warning" title="Update available">
          <p safe>{`This device runs agent ${d.agentVersion}, older than the registry's. Run the installer again on it; it replaces the agent and keeps the device's identity and place:`}</p>
          <p>
            <code safe>{p.updateCommand}</code>
          </p>
        </Alert>
      ) : (
        ""
      )}
      {p.detail.waitlist ? (
        <Alert tone="info" title={`Number ${p.detail.waitlist.position} of ${p.detail.waitlist.waiting} waiting in ${p.detail.waitlist.area}`}>
          <p safe>{p.detail.waitlist.reason}</p>
          <p safe>
            {p.detail.waitlist.readyToBootstrap
              ? "Enough devices wait here for a new region; operators have been told."
              : `A new region opens here once ${p.detail.waitlist.threshold} devices wait; the device joins by itself when a place opens.`}
          </p>
        </Alert>
      ) : (
        ""
      )}
      {p.viewer === "owner" ? <EarningChecksCard detail={p.detail} /> : ""}
      <UptimeCard detail={p.detail} />
      <ResourcesCard detail={p.detail} />
      {p.children}
      <div class="grid">
        <WorkloadsCard detail={p.detail} />
        <BenchCard detail={p.detail} />
      </div>
      <AboutCard detail={p.detail} />
      <HistoryCard detail={p.detail} />
      {p.viewer === "owner" ? <ControlsCard detail={p.detail} /> : ""}
    </PortalLayout>
  );
}

/** EarningChecksCard says whether the device can earn now and, when not, why and what to do; what passes folds away. */
function EarningChecksCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const checks = earningChecks(detail);
  if (checks.length === 0) return "";
  const earning = !checks.some((c) => c.status === "fail" && c.blocking);
  return (
    <section class="card" aria-labelledby="earning-checks-title">
      <div class="card-head">
        <h2 id="earning-checks-title">{earning ? "Ready to earn" : "Not earning now"}</h2>
        <span class="small muted">{earning ? "It earns its availability share while it stays online." : "What it needs, and what to do:"}</span>
      </div>
      <CheckList checks={checks} blockingNote="Needed to earn" />
    </section>
  );
}

function UptimeCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const u = detail.uptime;
  return (
    <section class="card" aria-labelledby="uptime-title">
      <div class="card-head">
        <h2 id="uptime-title">Uptime</h2>
        <span class="muted small" safe>
          {uptimeSentence(u, 30)}
        </span>
      </div>
      <UptimeBar strip={u} days={30} detailed />
      <div class="strip-axis" aria-hidden="true">
        <span>30 days ago</span>
        <span>now</span>
      </div>
      <UptimeLegend />
      <h3>Downtime</h3>
      <DataTable columns={DOWNTIME_COLUMNS} rows={detail.downtime} empty="No downtime of 5 minutes or more in the last 30 days." />
    </section>
  );
}

const DOWNTIME_COLUMNS: Column<DeviceDetail["downtime"][number]>[] = [
  { label: "From", text: (g) => formatWhen(g.from) },
  { label: "To", text: (g) => (g.to ? formatWhen(g.to) : "still offline") },
  { label: "Lasted", num: true, text: (g) => formatSpan(g.durationMs) },
];

const WORKLOAD_COLUMNS: Column<NonNullable<DeviceDetail["workloads"]>[number]>[] = [
  {
    label: "Pod",
    cell: (w) => (
      <div>
        <code safe>{w.name}</code>
        <span class="small muted block" safe>
          {w.leaseOwner ? `deployed by ${w.leaseOwner}` : `namespace ${w.namespace}`}
        </span>
      </div>
    ),
  },
  { label: "GPUs", num: true, text: (w) => String(w.gpus) },
  { label: "Running since", text: (w) => (w.since ? formatWhen(w.since) : "starting") },
];

/** reported is the pod count the agent sent last, for when the cluster cannot be asked. */
function reported(detail: DeviceDetail): string {
  const pods = detail.latest?.pods ?? null;
  return pods === null ? "The device has not reported its pods yet." : `The device last reported ${pods} pod${pods === 1 ? "" : "s"} running.`;
}

function WorkloadsCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const w = detail.workloads;
  return (
    <section class="card" aria-labelledby="work-title">
      <h2 id="work-title">Workloads now</h2>
      {detail.workloadsSource === "cluster" && w ? (
        w.length === 0 ? (
          <EmptyState title="Nothing is running here right now.">
            <p class="muted">When a deployment in the region is scheduled on this device, it appears here. Online time still earns the availability share.</p>
          </EmptyState>
        ) : (
          <>
            <p class="small muted">As the region&apos;s cluster lists them now.</p>
            <DataTable columns={WORKLOAD_COLUMNS} rows={w} />
          </>
        )
      ) : detail.workloadsSource === "no_cluster" ? (
        <EmptyState title="The registry is not connected to this region's cluster.">
          <p class="muted" safe>{`${reported(detail)} The registry lists each deployment here once the region's operators connect its cluster.`}</p>
        </EmptyState>
      ) : detail.workloadsSource === "unreachable" ? (
        <EmptyState title="The region's cluster did not answer just now.">
          <p class="muted" safe>{`${reported(detail)} Reload the page in a minute to see each deployment.`}</p>
        </EmptyState>
      ) : (
        <EmptyState title="Nothing runs here: the device is not in a region's cluster.">
          <p class="muted">Workloads are placed on it once it has joined its region.</p>
        </EmptyState>
      )}
    </section>
  );
}

function series(samples: readonly ResourceSample[], f: (s: ResourceSample) => number | null): (number | null)[] {
  return samples.map(f);
}

function ResourcesCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const l = detail.latest;
  const r = detail.recent;
  return (
    <section class="card" aria-labelledby="use-title">
      <h2 id="use-title">Resource use</h2>
      {!l ? (
        <EmptyState title="No resource reports yet.">
          <p class="muted">The agent reports CPU, memory and GPU use every minute once it is running and checked in.</p>
        </EmptyState>
      ) : (
        <>
          <Facts>
            <Fact label="CPU" value={`${formatNumber(l.cpuPercent, 0)}% in use`} />
            <Fact label="Memory" value={`${formatGiB(l.memoryUsedBytes)} of ${formatGiB(l.memoryTotalBytes)}`} />
            {l.gpus.map((g) => (
              <Fact label={`GPU ${g.index}`} value={`${formatNumber(g.utilPercent, 0)}% busy, ${formatNumber(g.memoryUsedMiB)} MiB memory used`} />
            ))}
            <Fact label="Reported" value={formatWhen(l.at)} />
          </Facts>
          {r.length > 1 ? (
            <>
              <h3>Last 24 hours</h3>
              <LineChart
                series={[
                  { name: "CPU %", values: series(r, (s) => s.cpuPercent) },
                  { name: "Memory %", values: series(r, (s) => (s.memoryTotalBytes > 0 ? (s.memoryUsedBytes / s.memoryTotalBytes) * 100 : null)) },
                ]}
                max={100}
                unit="%"
                label={`CPU and memory use over the last day: CPU now ${formatNumber(l.cpuPercent, 0)}%, memory ${formatNumber(l.memoryTotalBytes ? (l.memoryUsedBytes / l.memoryTotalBytes) * 100 : 0, 0)}%`}
                startLabel={formatWhen(r[0]!.at)}
                endLabel={formatWhen(r.at(-1)!.at)}
              />
              <Legend
                entries={[
                  { swatch: "key-1", label: "CPU" },
                  { swatch: "key-2", label: "Memory" },
                ]}
              />
            </>
          ) : (
            ""
          )}
        </>
      )}
    </section>
  );
}

function BenchCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const b = detail.bench;
  return (
    <section class="card" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmark</h2>
      {!b ? (
        <p class="muted">No benchmark reported. The agent runs one during setup; run it again from the agent&apos;s page or with `akash-home bench`.</p>
      ) : (
        <Facts>
          <Fact label="Run" value={`${formatWhen(b.at)}${b.quick ? " (quick)" : ""}`} />
          <Fact label="CPU" value={`${formatNumber(b.cpuSingle)} single-core, ${formatNumber(b.cpuMulti)} all cores (work units/s)`} />
          <Fact label="Memory" value={`${formatNumber(b.memoryMBps)} MB/s`} />
          <Fact label="Disk" value={`${formatNumber(b.diskWriteMBps)} MB/s write, ${formatNumber(b.diskReadMBps)} MB/s read`} />
          <Fact label="Download" value={b.downloadMBps === null ? "not measured" : `${formatNumber(b.downloadMBps, 1)} MB/s`} />
          {b.gpus.map((g) => (
            <Fact label="GPU" value={`${g.name}, ${formatGiB(g.vramMiB * 2 ** 20)}`} />
          ))}
        </Facts>
      )}
    </section>
  );
}

function AboutCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const d = detail.device;
  const regionText: string = d.region ? `${d.region.name} (${d.region.locationRegion})` : "none yet";
  const systemText: string = d.hardware ? `${d.hardware.os}, ${d.hardware.arch}` : "not reported";
  return (
    <section class="card" aria-labelledby="about-title">
      <h2 id="about-title">About</h2>
      <Facts>
        <Fact label="Device id">
          <code safe>{d.deviceId}</code>
        </Fact>
        <Fact label="Region" value={regionText} />
        <Fact label="Hardware" value={hardwareLine(d.hardware)} />
        <Fact label="System" value={systemText} />
        <Fact label="Agent" value={`${d.agentVersion}${d.updateAvailable ? " (update available)" : ""}`} />
        <Fact label="Owner">
          <code class="address" safe>
            {d.owner}
          </code>
        </Fact>
        <Fact label="Added" value={formatWhen(d.createdAt)} />
        {detail.replaces ? (
          <Fact label="Replaces">
            <code safe>{detail.replaces}</code> <span class="small muted">(the same machine before a reinstall)</span>
          </Fact>
        ) : (
          ""
        )}
      </Facts>
    </section>
  );
}

const HISTORY_COLUMNS: Column<DeviceDetail["events"][number]>[] = [
  { label: "When", text: (e) => formatWhen(e.at) },
  { label: "Change", text: (e) => `${e.from ? `${e.from.replace("_", " ")} → ` : ""}${e.to.replace("_", " ")}` },
  { label: "Why", text: (e) => e.reason },
];

function HistoryCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <DataTable columns={HISTORY_COLUMNS} rows={detail.events} empty="No state changes recorded." />
    </section>
  );
}

function ControlsCard({ detail }: { detail: DeviceDetail }): JSX.Element {
  const d = detail.device;
  const action = (a: string) => pagePath(PORTAL_PAGES.deviceAction, { id: d.deviceId, action: a });
  const gone = d.state === "removed" || d.state === "banned";
  return (
    <section class="card" aria-labelledby="controls-title">
      <h2 id="controls-title">Controls</h2>
      {gone ? (
        <p class="muted">
          {d.state === "removed" ? "This device has left the network. To bring the computer back, add it again with a new claim code." : "This device was banned by an operator; contact the region's operator."}
        </p>
      ) : (
        <>
          <p class="muted">
            Pausing stops new workloads from being placed here; running ones finish. Removing moves its workloads elsewhere, takes it out of
            its region&apos;s cluster and deregisters it; earnings so far stay yours.
          </p>
          <div class="actions">
            {d.state === "paused" ? (
              <form method="post" action={action("resume")}>
                <button type="submit" class="button primary">
                  Resume
                </button>
              </form>
            ) : PAUSABLE.has(d.state) ? (
              <form method="post" action={action("pause")}>
                <button type="submit" class="button">
                  Pause
                </button>
              </form>
            ) : (
              ""
            )}
            <form method="post" action={action("remove")} hx-confirm="Remove this device from the network? Its workloads move elsewhere and it stops earning. You can add the computer again later with a new claim code.">
              <button type="submit" class="button danger">
                Remove from the network
              </button>
            </form>
          </div>
          <p class="small muted" safe>
            {`Uptime so far: ${formatShare(detail.uptime.onlineFraction)} online over the last 30 days.`}
          </p>
        </>
      )}
    </section>
  );
}
