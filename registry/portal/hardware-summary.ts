import * as v from "valibot";
import { Hardware, type HardwareSummary } from "../../protocol/index.ts";

// A device's hardware as the portals show it, read from the JSON its agent reported at check-in. The
// column holds whatever an agent sent within the protocol's schema; anything else reads as unknown.

/** readHardware parses the stored hardware JSON, or gives null when it is not what the protocol describes. */
export function readHardware(json: string): Hardware | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = v.safeParse(Hardware, raw);
  return parsed.success ? parsed.output : null;
}

/** summariseHardware turns the stored hardware JSON into a summary, or null when it cannot be read. */
export function summariseHardware(json: string): HardwareSummary | null {
  const h = readHardware(json);
  if (!h) return null;
  return {
    cpuModel: h.cpu.model,
    cpuCores: h.cpu.cores,
    memoryBytes: h.memory.totalBytes,
    gpus: h.gpus.map((g) => ({ name: g.name, akashModel: g.akashModel, vramMiB: g.vramMiB, supported: g.supported })),
    os: `${h.os.distro} ${h.os.release}`.trim(),
    arch: h.cpu.arch || h.os.arch,
  };
}

/** gpuModelsOf names a device's GPUs for filters and totals: the Akash model name when known, else the product name. */
export function gpuModelsOf(h: HardwareSummary | null): string[] {
  return (h?.gpus ?? []).map((g) => g.akashModel ?? g.name);
}
