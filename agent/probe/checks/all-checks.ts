import type { Check } from "../../../protocol/checks.ts";
import type { ProbeFacts } from "../probe-facts.ts";
import { cgroupCheck } from "./cgroup-check.ts";
import { clockCheck } from "./clock-check.ts";
import { cpuCheck } from "./cpu-check.ts";
import { imagesDiskCheck, stateDiskCheck } from "./disk-checks.ts";
import { dockerCheck } from "./docker-check.ts";
import { existingK3sCheck, existingTailscaleCheck } from "./existing-checks.ts";
import { gpuDriverCheck } from "./gpu-driver-check.ts";
import { gpuSupportedCheck, nvidiaDrmCheck } from "./gpu-checks.ts";
import { memoryCheck } from "./memory-check.ts";
import { archCheck, osCheck } from "./os-checks.ts";
import { portsCheck } from "./ports-check.ts";
import { swapCheck } from "./swap-check.ts";
import { systemdCheck } from "./systemd-check.ts";
import { virtualizationCheck } from "./virtualization-check.ts";

/** runChecks judges the facts, in the order the checklist shows them: machine, system, network, GPU. */
export function runChecks(f: ProbeFacts): Check[] {
  const hw = f.hardware;
  const disk = (purpose: "state" | "images") => hw.disks.find((d) => d.purpose === purpose);
  const hasNvidia = hw.gpus.some((g) => g.vendor === "nvidia");
  return [
    cpuCheck(hw.cpu),
    memoryCheck(hw.memory),
    stateDiskCheck(disk("state"), f.paths.state),
    imagesDiskCheck(disk("images"), f.paths.images),
    osCheck(hw.os),
    archCheck(hw.os),
    virtualizationCheck(hw.virtualization),
    cgroupCheck(f.cgroups),
    swapCheck(hw.memory.swapTotalBytes),
    systemdCheck(f.systemdRunning),
    clockCheck(f.clock),
    existingK3sCheck(f.k3s),
    existingTailscaleCheck(f.tailscale),
    portsCheck(f.ports, f.k3s.running.length > 0),
    gpuDriverCheck(f.nvidia, hw.gpus),
    nvidiaDrmCheck(f.nvidiaDrmLoaded, hw.gpus),
    gpuSupportedCheck(hw.gpus),
    dockerCheck(hw.docker, hasNvidia),
  ];
}
