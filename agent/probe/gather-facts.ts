import type { Disk, Hardware } from "../../protocol/hardware.ts";
import { readCgroups } from "./cgroups.ts";
import { readClockSync } from "./clock-sync.ts";
import { readDisk } from "./disks.ts";
import { readK3s, readTailscale, runningProcessNames, type ExistingInstall } from "./existing-installs.ts";
import { buildGpuList } from "./gpu/gpu-list.ts";
import { probeNvidia, type NvidiaProbe } from "./gpu/nvidia-probe.ts";
import { readPciDisplayDevices } from "./gpu/pci-display-devices.ts";
import { readPortsInUse } from "./listening-ports.ts";
import type { ProbeFacts } from "./probe-facts.ts";
import type { ProbeSources, SystemFacts } from "./sources.ts";
import { swapFromMeminfo } from "./swap.ts";
import { fallbackSystemFacts } from "./system-facts.ts";
import { refineVirtualization } from "./virtualization.ts";

// Runs every probe at once. A probe that throws yields its "nothing known" value: one broken source
// (a hung nvidia-smi, an unreadable /proc file) must never cost the owner the rest of the report.

async function settle<T>(work: () => Promise<T>, fallback: (err: unknown) => T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    return fallback(err);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const noInstall: ExistingInstall = { binaries: [], units: [], running: [], uninstallers: [] };

export async function gatherFacts(sources: ProbeSources, paths: { state: string; images: string }): Promise<ProbeFacts> {
  let systemError: string | null = null;
  const system: SystemFacts = await settle(
    () => sources.system(),
    (err) => {
      systemError = message(err);
      return fallbackSystemFacts();
    },
  );
  const processes = await settle(() => runningProcessNames(sources), () => []);
  const [machineId, meminfo, virtualization, nvidia, pci, nvidiaDrmLoaded, cgroups, systemdRunning, clock, k3s, tailscale, ports, stateDisk, imagesDisk, docker] =
    await Promise.all([
      settle(async () => (await sources.readText("/etc/machine-id"))?.trim() || null, () => null),
      settle(() => sources.readText("/proc/meminfo"), () => null),
      settle(() => refineVirtualization(sources, system.virtualization, system.os.kernel), () => system.virtualization),
      settle((): Promise<NvidiaProbe> => probeNvidia(sources), (err): NvidiaProbe => ({ status: "failed", reason: "error", detail: message(err) })),
      settle(() => readPciDisplayDevices(sources), () => []),
      settle(() => sources.exists("/sys/module/nvidia_drm"), () => false),
      settle(() => readCgroups(sources), () => ({ version: "unknown" as const, controllers: [] })),
      // sd_booted(3): systemd is the init system exactly when this directory exists.
      settle(() => sources.exists("/run/systemd/system"), () => false),
      settle(() => readClockSync(sources), () => ({ synced: null, source: null })),
      settle(() => readK3s(sources, processes), () => noInstall),
      settle(() => readTailscale(sources, processes), () => noInstall),
      settle(() => readPortsInUse(sources), () => null),
      settle(() => readDisk(sources, "state", paths.state), () => null),
      settle(() => readDisk(sources, "images", paths.images), () => null),
      settle(() => sources.docker(), (err) => ({ running: false, version: null, nvidiaRuntime: false, error: message(err) })),
    ]);
  const swap = meminfo === null ? null : swapFromMeminfo(meminfo);
  const hardware: Hardware = {
    machineId,
    hostname: system.hostname,
    cpu: { ...system.cpu, arch: system.os.arch },
    memory: { ...system.memory, swapTotalBytes: swap ?? system.memory.swapTotalBytes },
    disks: [stateDisk, imagesDisk].filter((d): d is Disk => d !== null),
    os: system.os,
    virtualization,
    gpus: buildGpuList(nvidia, pci, system.memory.totalBytes),
    docker,
  };
  return { hardware, systemError, nvidia, nvidiaDrmLoaded, cgroups, systemdRunning, clock, k3s, tailscale, ports, paths };
}
