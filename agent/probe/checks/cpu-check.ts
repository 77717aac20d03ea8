import type { Check } from "../../../protocol/checks.ts";
import type { Hardware } from "../../../protocol/hardware.ts";
import { THRESHOLDS } from "../../config/thresholds.ts";
import { plural } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** cpu-cores: Kubernetes schedules logical CPUs, and the node's own services take part of one. */
export function cpuCheck(cpu: Hardware["cpu"]): Check {
  const c = checkOf("cpu-cores", "CPU", true);
  const { failBelowThreads: min, warnBelowThreads: good } = THRESHOLDS.cpu;
  const measured = `${plural("CPU thread", cpu.threads)} (${plural("core", cpu.cores)}, ${cpu.model})`;
  if (cpu.threads < min) return c.fail(`${measured}; at least ${min} are needed to run Kubernetes and a workload.`, `Use a computer (or give this VM) at least ${min} CPU threads; ${good} or more recommended.`);
  if (cpu.threads < good) {
    return c.warn(`${measured}; that works, but Kubernetes itself uses part of one, so little is left to rent. ${good} or more recommended.`, `Nothing required; a machine or VM with ${good} or more threads can take more work.`);
  }
  return c.pass(`${measured}.`);
}
