import type { Check } from "../../../protocol/checks.ts";
import { gib } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** swap: the kubelet runs with swap on, but accounts memory as if it were off; a swapping node is slow for every pod. */
export function swapCheck(swapTotalBytes: number): Check {
  const c = checkOf("swap", "Swap", false);
  if (swapTotalBytes <= 0) return c.pass("Swap is off.");
  return c.warn(
    `Swap is on (${gib(swapTotalBytes)}). Kubernetes works with it, but plans memory as if it were off; when this machine swaps, workloads slow down.`,
    "Optional: sudo swapoff -a, then comment out the swap lines in /etc/fstab (and disable zram/swapfile services) so it stays off after a reboot.",
  );
}
