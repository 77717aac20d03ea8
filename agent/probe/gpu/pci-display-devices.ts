import type { GpuVendor } from "../../../protocol/hardware.ts";
import type { ProbeSources } from "../sources.ts";

// GPUs as the PCI bus sees them, with no driver needed: how we find an NVIDIA card whose driver is
// missing, and AMD or Intel GPUs. Only display controllers (class 0x03xxxx) of the three GPU vendors
// count; virtual VGA adapters (QEMU, virtio, BMCs) are not GPUs anyone can rent.

export interface PciDisplayDevice {
  /** "0000:01:00.0" */
  address: string;
  vendor: Exclude<GpuVendor, "other">;
  /** "10de:2684" */
  pciId: string;
}

const VENDORS: Record<string, PciDisplayDevice["vendor"]> = { "0x10de": "nvidia", "0x1002": "amd", "0x8086": "intel" };
const PCI_DEVICES = "/sys/bus/pci/devices";

export async function readPciDisplayDevices(sources: ProbeSources): Promise<PciDisplayDevice[]> {
  const addresses = (await sources.listDir(PCI_DEVICES)) ?? [];
  const found: PciDisplayDevice[] = [];
  for (const address of addresses.sort()) {
    const [vendorId, deviceId, cls] = await Promise.all(
      ["vendor", "device", "class"].map(async (f) => (await sources.readText(`${PCI_DEVICES}/${address}/${f}`))?.trim().toLowerCase() ?? ""),
    );
    const vendor = VENDORS[vendorId!];
    if (!vendor || !cls!.startsWith("0x03") || !/^0x[0-9a-f]{4}$/.test(deviceId!)) continue;
    found.push({ address, vendor, pciId: `${vendorId!.slice(2)}:${deviceId!.slice(2)}` });
  }
  return found;
}
