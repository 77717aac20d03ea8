import type { Disk, Gpu, Hardware } from "../../protocol/index.ts";
import { formatGiB, formatMiBAsGiB, formatNumber } from "../kit/index.ts";

const DISK_PURPOSE: Record<Disk["purpose"], string> = { state: "Agent data", images: "Container images" };

/** HardwareSummary lists what the probe found, in the words an owner uses for their machine. */
export function HardwareSummary({ hw }: { hw: Hardware }): JSX.Element {
  const cpu = hw.cpu;
  const cpuLine = `${cpu.model} · ${cpu.cores} cores, ${cpu.threads} threads${cpu.speedGHz ? ` · ${formatNumber(cpu.speedGHz, 1)} GHz` : ""}`;
  const osLine = `${hw.os.distro} ${hw.os.release} · Linux ${hw.os.kernel} · ${hw.os.arch}${hw.virtualization.virtual ? ` · virtual machine${hw.virtualization.kind ? ` (${hw.virtualization.kind})` : ""}` : ""}`;
  return (
    <section class="card" aria-labelledby="hw-title">
      <h2 id="hw-title">This computer</h2>
      <dl class="facts">
        <div>
          <dt>Name</dt>
          <dd safe>{hw.hostname}</dd>
        </div>
        <div>
          <dt>System</dt>
          <dd safe>{osLine}</dd>
        </div>
        <div>
          <dt>Processor</dt>
          <dd safe>{cpuLine}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd safe>{`${formatGiB(hw.memory.totalBytes)} (${formatGiB(hw.memory.availableBytes)} free now)`}</dd>
        </div>
        {hw.disks.map((d) => (
          <div>
            <dt safe>{DISK_PURPOSE[d.purpose]}</dt>
            <dd safe>{`${formatGiB(d.freeBytes)} free of ${formatGiB(d.totalBytes)} · ${d.path} (${d.fsType})`}</dd>
          </div>
        ))}
        <div>
          <dt>Containers</dt>
          <dd safe>{dockerLine(hw)}</dd>
        </div>
      </dl>
      <h3>Graphics cards</h3>
      {hw.gpus.length ? <GpuTable gpus={hw.gpus} /> : <p class="muted">No graphics card was found. This computer can still share its processor and memory.</p>}
    </section>
  );
}

function dockerLine(hw: Hardware): string {
  const d = hw.docker;
  if (!d) return "Docker was not checked";
  if (!d.running) return `Docker is not running${d.error ? `: ${d.error}` : ""}`;
  return `Docker ${d.version ?? ""}${d.nvidiaRuntime ? " with the NVIDIA runtime" : ""}`.replace(/\s+/g, " ").trim();
}

/** akashName is the GPU as Akash deployers ask for it, e.g. "rtx4090 · 24Gi · pcie". */
export function akashName(g: Pick<Gpu, "akashModel" | "akashMemory" | "akashInterface">): string | null {
  if (!g.akashModel) return null;
  return [g.akashModel, g.akashMemory, g.akashInterface].filter(Boolean).join(" · ");
}

function GpuTable({ gpus }: { gpus: Gpu[] }): JSX.Element {
  return (
    <div class="table-scroll">
      <table class="stack-on-phone">
        <thead>
          <tr>
            <th scope="col">Card</th>
            <th scope="col">Akash model</th>
            <th scope="col">Memory</th>
            <th scope="col">Driver / CUDA</th>
            <th scope="col">Can be shared</th>
          </tr>
        </thead>
        <tbody>
          {gpus.map((g) => (
            <tr>
              <td data-label="Card" safe>
                {g.name}
              </td>
              <td data-label="Akash model">{akashName(g) ? <code safe>{akashName(g)}</code> : <span class="muted">not recognised</span>}</td>
              <td data-label="Memory" safe>
                {`${formatMiBAsGiB(g.vramMiB)}${g.unifiedMemory ? " (shared with the system)" : ""}`}
              </td>
              <td data-label="Driver / CUDA" safe>
                {[g.driverVersion ?? "no driver", g.cudaVersion ? `CUDA ${g.cudaVersion}` : null].filter(Boolean).join(" / ")}
              </td>
              <td data-label="Can be shared">{g.supported ? <span class="yes">Yes</span> : <span safe>{`No: ${g.unsupportedReason ?? "not supported"}`}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
