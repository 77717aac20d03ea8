import type { Check } from "../../../protocol/checks.ts";
import type { Gpu } from "../../../protocol/hardware.ts";
import { list } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

function label(g: Gpu): string {
  return g.akashModel ? `${g.akashModel} ${g.akashMemory ?? ""}`.trim() : g.name;
}

/** counted(["rtx3090 24Gi", "rtx3090 24Gi", "t4 16Gi"]) is "2× rtx3090 24Gi and t4 16Gi". */
function counted(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return list([...counts].map(([l, n]) => (n > 1 ? `${n}× ${l}` : l)));
}

/** nvidia-drm: Akash's inventory operator lists GPUs through DRM, so without nvidia_drm it labels none. */
export function nvidiaDrmCheck(loaded: boolean, gpus: Gpu[]): Check {
  const c = checkOf("nvidia-drm", "nvidia_drm module", false);
  if (!gpus.some((g) => g.vendor === "nvidia")) return c.pass("Not needed: no NVIDIA GPU.");
  if (loaded) return c.pass("nvidia_drm is loaded, so the cluster can discover the GPU.");
  return c.warn(
    "The nvidia_drm kernel module is not loaded; Akash's GPU discovery looks for GPUs through it and would not offer this one.",
    "echo nvidia_drm | sudo tee /etc/modules-load.d/nvidia_drm.conf && sudo modprobe nvidia_drm",
  );
}

/** gpu-supported: which GPUs can be rented, and why the others cannot. */
export function gpuSupportedCheck(gpus: Gpu[]): Check {
  const c = checkOf("gpu-supported", "GPUs Akash can rent", false);
  if (gpus.length === 0) return c.pass("No GPU found; this device will share CPU and memory.");
  const offered = gpus.filter((g) => g.supported);
  const nvidiaRefused = gpus.filter((g) => !g.supported && g.vendor === "nvidia");
  const others = gpus.filter((g) => g.vendor !== "nvidia");
  const othersNote = others.length ? ` Not used: ${list(others.map((g) => g.name))} (only NVIDIA GPUs can be offered).` : "";
  if (nvidiaRefused.length > 0) {
    const why = nvidiaRefused.map((g) => `GPU ${g.index}: ${g.unsupportedReason ?? "not supported"}`).join("; ");
    const lead = offered.length ? `Can offer ${counted(offered.map(label))}. ` : "";
    const driverTrouble = nvidiaRefused.some((g) => /driver/i.test(g.unsupportedReason ?? ""));
    return c.warn(
      `${lead}Cannot offer: ${why}.${othersNote}`,
      driverTrouble
        ? "Fix the NVIDIA driver first (see the NVIDIA driver check), then run akash-home doctor again."
        : "Nothing to do on this machine: until Akash lists the GPU (provider-configs gpus.json), this device shares CPU, memory and the GPUs it can offer.",
    );
  }
  if (offered.length === 0) {
    return c.warn(`${list(others.map((g) => g.name))}: ${others[0]?.unsupportedReason ?? "not supported"}.`, "Nothing to do: this device will share CPU and memory only.");
  }
  const unified = offered.some((g) => g.unifiedMemory) ? " (unified memory: the GPU shares the system's RAM)" : "";
  return c.pass(`Can offer ${counted(offered.map(label))}${unified}.${othersNote}`);
}
