import type { Check } from "../../../protocol/checks.ts";
import type { Gpu } from "../../../protocol/hardware.ts";
import { THRESHOLDS } from "../../config/thresholds.ts";
import { plural } from "../format-units.ts";
import type { NvidiaFailure, NvidiaProbe } from "../gpu/nvidia-probe.ts";
import { checkOf } from "./check-builder.ts";

// gpu-driver never blocks: a device whose GPU cannot be used can still share CPU and memory.
// It fails, though, when an NVIDIA GPU is there and cannot be used, because that is what the owner came for.

const INSTALL = "Install the NVIDIA driver (Ubuntu: sudo ubuntu-drivers install; Debian: sudo apt install nvidia-driver; RTX 50 series needs driver 570 or newer with the open kernel modules), then reboot.";

const FAILURES: Record<NvidiaFailure, { message: string; fix: string }> = {
  "no-driver": {
    message: "nvidia-smi cannot talk to the NVIDIA driver: its kernel module is not loaded.",
    fix: "Reboot. If that does not help, the driver was not built for the running kernel or Secure Boot blocks it (mokutil --sb-state): reinstall the driver (Ubuntu: sudo ubuntu-drivers install) and reboot.",
  },
  "version-mismatch": {
    message: "The NVIDIA driver was updated but the old one is still loaded (driver/library version mismatch).",
    fix: "Reboot.",
  },
  "no-devices": {
    message: "The NVIDIA driver is loaded but sees no GPU.",
    fix: "Check that the card is seated and has its power cables; sudo dmesg | grep -i nvrm shows what the driver saw.",
  },
  timeout: {
    message: `nvidia-smi did not answer within ${THRESHOLDS.nvidia.smiTimeoutMs / 1000} s; a GPU may be stuck.`,
    fix: "Reboot; if it happens again, look for errors with sudo dmesg | grep -i -e nvrm -e xid.",
  },
  "bad-output": { message: "nvidia-smi printed a report we could not read.", fix: "Run nvidia-smi -q -x yourself; if it errors, reinstall the driver and reboot." },
  error: { message: "nvidia-smi failed.", fix: "Run nvidia-smi yourself to see the error; reinstalling the driver and rebooting usually fixes it." },
};

export function gpuDriverCheck(nvidia: NvidiaProbe, gpus: Gpu[]): Check {
  const c = checkOf("gpu-driver", "NVIDIA driver", false);
  const nvidiaOnBus = gpus.filter((g) => g.vendor === "nvidia");
  if (nvidia.status === "missing") {
    if (nvidiaOnBus.length === 0) return c.pass("No NVIDIA GPU found, so no NVIDIA driver is needed.");
    const which = nvidiaOnBus.map((g) => g.akashModel ?? g.pciId).join(", ");
    return c.fail(`Found ${plural("NVIDIA GPU", nvidiaOnBus.length)} (${which}) but no NVIDIA driver (nvidia-smi is missing), so it cannot be shared.`, INSTALL);
  }
  if (nvidia.status === "failed") {
    const f = FAILURES[nvidia.reason];
    return c.fail(`${f.message} (${nvidia.detail})`, f.fix);
  }
  if (nvidia.gpus.length === 0) return c.fail(FAILURES["no-devices"].message, FAILURES["no-devices"].fix);
  const driver = nvidia.driverVersion ?? "unknown";
  const major = Number.parseInt(driver, 10);
  const measured = `NVIDIA driver ${driver}, CUDA ${nvidia.cudaVersion ?? "unknown"}, ${plural("GPU", nvidia.gpus.length)}`;
  const min = THRESHOLDS.nvidia.minDriverMajor;
  if (Number.isFinite(major) && major < min) {
    return c.warn(`${measured}: drivers older than ${min} cannot run many CUDA 12 images.`, `Update the driver to ${min} or newer (Ubuntu: sudo ubuntu-drivers install), then reboot.`);
  }
  return c.pass(`${measured}.`);
}
