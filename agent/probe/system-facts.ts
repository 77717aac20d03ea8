import os from "node:os";
import type { SystemFacts } from "./sources.ts";

// Turns systeminformation's answers into SystemFacts, and builds a poorer copy from node:os when
// systeminformation fails, so the doctor still reports the machine.

/** The subset of systeminformation's results we read; typed here so the mapping is testable without it. */
export interface SiAnswers {
  cpu: { manufacturer: string; brand: string; vendor?: string; cores: number; physicalCores: number; speed: number; speedMax: number };
  flags: string;
  mem: { total: number; available: number; swaptotal: number };
  osInfo: { platform: string; distro: string; release: string; kernel: string; arch: string; hostname: string };
  system: { model: string; virtual: boolean; virtualHost?: string };
}

/** fromSystemInformation maps si.cpu/cpuFlags/mem/osInfo/system results. */
export function fromSystemInformation(a: SiAnswers): SystemFacts {
  const speed = a.cpu.speedMax || a.cpu.speed;
  // si reports a container as model "Docker Container" with virtual=true; say container, not just VM.
  const container = /docker|container|lxc|podman/i.test(a.system.model);
  const kind = container ? `container (${a.system.model.replace(/\s*container\s*/i, "") || "unknown"})` : a.system.virtual ? a.system.virtualHost || a.system.model || "virtual machine" : null;
  return {
    hostname: a.osInfo.hostname,
    cpu: {
      vendor: a.cpu.manufacturer || a.cpu.vendor || "unknown",
      model: [a.cpu.manufacturer, a.cpu.brand].filter(Boolean).join(" ") || "unknown",
      cores: a.cpu.physicalCores || a.cpu.cores,
      threads: a.cpu.cores,
      speedGHz: speed > 0 ? speed : null,
      flags: a.flags.split(/\s+/).filter(Boolean),
    },
    memory: { totalBytes: a.mem.total, availableBytes: a.mem.available, swapTotalBytes: a.mem.swaptotal },
    os: { platform: a.osInfo.platform, distro: a.osInfo.distro, release: a.osInfo.release, kernel: a.osInfo.kernel, arch: a.osInfo.arch },
    virtualization: { virtual: a.system.virtual || container, kind },
  };
}

/** fallbackSystemFacts uses only node:os: no flags, distro or virtualization, but never fails. */
export function fallbackSystemFacts(): SystemFacts {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() || "unknown";
  return {
    hostname: os.hostname(),
    cpu: { vendor: "unknown", model, cores: cpus.length, threads: cpus.length, speedGHz: cpus[0]?.speed ? cpus[0].speed / 1000 : null, flags: [] },
    memory: { totalBytes: os.totalmem(), availableBytes: os.freemem(), swapTotalBytes: 0 },
    os: { platform: os.platform(), distro: "unknown", release: "", kernel: os.release(), arch: os.arch() },
    virtualization: { virtual: false, kind: null },
  };
}
