import { XMLParser } from "fast-xml-parser";

// Reads `nvidia-smi -q -x`. The XML is stable across driver branches where we read it, but fields move:
// power limits live in <power_readings> before driver 530 and in <gpu_power_readings> after, and
// unified-memory parts (GB10) print N/A where discrete cards print MiB.

/** NvidiaSmiGpu is one GPU as nvidia-smi reports it; null where nvidia-smi says N/A or leaves it out. */
export interface NvidiaSmiGpu {
  /** Position in nvidia-smi's list (PCI bus order, as CUDA_DEVICE_ORDER=PCI_BUS_ID numbers them). */
  index: number;
  name: string;
  /** "10de:2684" */
  pciId: string | null;
  busId: string | null;
  uuid: string | null;
  architecture: string | null;
  /** fb_memory_usage total; null on unified-memory parts. */
  vramMiB: number | null;
  driverVersion: string | null;
  cudaVersion: string | null;
  maxGraphicsClockMHz: number | null;
  maxMemoryClockMHz: number | null;
  powerLimitW: number | null;
}

/** NvidiaSmiParseError: the text was not nvidia-smi's XML report. */
export class NvidiaSmiParseError extends Error {
  override name = "NvidiaSmiParseError";
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tag) => tag === "gpu",
});

const MISSING = /^(n\/a|\[n\/a\]|not supported|\[not supported\]|unknown error|none|)$/i;

/** text walks path under node and returns the text there, or null when absent or N/A. */
function text(node: unknown, ...path: string[]): string | null {
  let cur: unknown = node;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return null;
    cur = (cur as Node)[key];
  }
  if (typeof cur !== "string" && typeof cur !== "number") return null;
  const s = String(cur).trim();
  return MISSING.test(s) ? null : s;
}

/** num reads "24564 MiB", "450.00 W" or "3120 MHz" as a number. */
function num(node: unknown, ...path: string[]): number | null {
  const s = text(node, ...path);
  if (s === null) return null;
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : null;
}

/** pciIdFrom turns nvidia-smi's "268410DE" (device then vendor, hex; sometimes 0x-prefixed) into "10de:2684". */
export function pciIdFrom(raw: string | null): string | null {
  const m = raw ? /^(?:0x)?([0-9a-f]{4})([0-9a-f]{4})$/i.exec(raw.trim()) : null;
  return m ? `${m[2]!.toLowerCase()}:${m[1]!.toLowerCase()}` : null;
}

function powerLimit(gpu: unknown): number | null {
  return (
    num(gpu, "gpu_power_readings", "current_power_limit") ??
    num(gpu, "power_readings", "power_limit") ??
    num(gpu, "power_readings", "enforced_power_limit") ??
    num(gpu, "gpu_power_readings", "default_power_limit") ??
    num(gpu, "power_readings", "default_power_limit")
  );
}

/** parseNvidiaSmiXml reads every GPU in an `nvidia-smi -q -x` report; throws NvidiaSmiParseError on other text. */
export function parseNvidiaSmiXml(xml: string): NvidiaSmiGpu[] {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw new NvidiaSmiParseError(`nvidia-smi printed something that is not XML: ${(err as Error).message}`);
  }
  const log = doc.nvidia_smi_log;
  if (log === undefined || log === null || typeof log !== "object") {
    throw new NvidiaSmiParseError("nvidia-smi's report has no <nvidia_smi_log> element");
  }
  const driverVersion = text(log, "driver_version");
  const cudaVersion = text(log, "cuda_version");
  const gpus = ((log as Node).gpu as unknown[] | undefined) ?? [];
  return gpus.map((gpu, index) => ({
    index,
    name: text(gpu, "product_name") ?? "NVIDIA GPU",
    pciId: pciIdFrom(text(gpu, "pci", "pci_device_id")),
    busId: text(gpu, "pci", "pci_bus_id") ?? text(gpu, "@_id"),
    uuid: text(gpu, "uuid"),
    architecture: text(gpu, "product_architecture"),
    vramMiB: num(gpu, "fb_memory_usage", "total"),
    driverVersion,
    cudaVersion,
    maxGraphicsClockMHz: num(gpu, "max_clocks", "graphics_clock"),
    maxMemoryClockMHz: num(gpu, "max_clocks", "mem_clock"),
    powerLimitW: powerLimit(gpu),
  }));
}
