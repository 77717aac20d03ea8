import type { Check } from "../../../protocol/checks.ts";
import type { Hardware } from "../../../protocol/hardware.ts";
import { GIB, THRESHOLDS } from "../../config/thresholds.ts";
import { gib } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** memory: Kubernetes and the agent need about 1 GiB before any workload runs. */
export function memoryCheck(memory: Hardware["memory"]): Check {
  const c = checkOf("memory", "Memory", true);
  const { failBelowGiB, warnBelowGiB, reservedSlackGiB } = THRESHOLDS.memory;
  const total = memory.totalBytes;
  const measured = `${gib(total)} of memory`;
  if (total < (failBelowGiB - reservedSlackGiB) * GIB) {
    return c.fail(`${measured}; at least ${failBelowGiB} GiB is needed (Kubernetes and the agent use about 1 GiB).`, `Add memory or use a computer with at least ${failBelowGiB} GiB; ${warnBelowGiB} GiB or more recommended.`);
  }
  if (total < (warnBelowGiB - reservedSlackGiB) * GIB) {
    return c.warn(`${measured}; that works, but after Kubernetes' share little is left to rent. ${warnBelowGiB} GiB or more recommended.`, `Nothing required; more memory lets this device take bigger workloads.`);
  }
  return c.pass(`${measured}.`);
}
