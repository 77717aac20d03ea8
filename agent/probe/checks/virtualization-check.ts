import type { Check } from "../../../protocol/checks.ts";
import type { Hardware } from "../../../protocol/hardware.ts";
import { checkOf } from "./check-builder.ts";

/** virtualization: a VM is fine; WSL and containers usually lack what k3s needs from the host. */
export function virtualizationCheck(v: Hardware["virtualization"]): Check {
  const c = checkOf("virtualization", "Virtualization", false);
  if (!v.virtual) return c.pass("Runs directly on the hardware.");
  if (v.kind === "WSL") {
    return c.warn("Runs in WSL 2: Windows puts it behind its own NAT and stops it when idle, so the device goes offline often.", "Prefer a native Linux install; on WSL, enable systemd and keep WSL running.");
  }
  if (v.kind?.startsWith("container")) {
    return c.warn(`Runs inside a ${v.kind}: k3s needs the host's network and cgroups, which a container usually does not get.`, "Run akash-home on the host itself, not in a container.");
  }
  return c.pass(`Runs in a virtual machine (${v.kind ?? "unknown hypervisor"}); its vCPUs, memory and passed-through GPUs are what gets shared.`);
}
