import type { Hardware } from "../../protocol/hardware.ts";
import type { CgroupInfo } from "./cgroups.ts";
import type { ClockSync } from "./clock-sync.ts";
import type { ExistingInstall } from "./existing-installs.ts";
import type { NvidiaProbe } from "./gpu/nvidia-probe.ts";
import type { PortsInUse } from "./listening-ports.ts";

/** ProbeFacts is everything measured, hardware and host set-up; the checks are pure functions of it. */
export interface ProbeFacts {
  hardware: Hardware;
  /** Why systeminformation failed, when the hardware summary came from node:os instead. */
  systemError: string | null;
  nvidia: NvidiaProbe;
  /** Whether the nvidia_drm module is loaded; Akash's inventory operator finds GPUs through DRM. */
  nvidiaDrmLoaded: boolean;
  cgroups: CgroupInfo;
  systemdRunning: boolean;
  clock: ClockSync;
  k3s: ExistingInstall;
  tailscale: ExistingInstall;
  /** null when /proc/net could not be read. */
  ports: PortsInUse | null;
  /** The paths measured for disk checks, even when they could not be measured. */
  paths: { state: string; images: string };
}
