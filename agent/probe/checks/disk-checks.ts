import type { Check } from "../../../protocol/checks.ts";
import type { Disk } from "../../../protocol/hardware.ts";
import { GIB, THRESHOLDS } from "../../config/thresholds.ts";
import { gib } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** disk-state: the agent's keys and settings; a full disk would make their writes fail. */
export function stateDiskCheck(disk: Disk | undefined, path: string): Check {
  const c = checkOf("disk-state", "Disk for agent state", true);
  const min = THRESHOLDS.disk.stateMinFreeGiB;
  if (!disk) return c.fail(`Could not measure free space for ${path} or any parent directory.`, `Check that ${path} (or its parent) exists and is readable, or choose another with --state-dir.`);
  const measured = `${gib(disk.freeBytes)} free on ${disk.mount} (${disk.fsType}) for ${path}`;
  if (disk.freeBytes < min * GIB) return c.fail(`${measured}; at least ${min} GiB is needed.`, `Free space on ${disk.mount}, or choose a directory on another disk with --state-dir.`);
  return c.pass(`${measured}.`);
}

/** disk-images: container images land in k3s's containerd under the images dir; Akash HomeNode asks for 100 GiB. */
export function imagesDiskCheck(disk: Disk | undefined, path: string): Check {
  const c = checkOf("disk-images", "Disk for container images", true);
  const min = THRESHOLDS.disk.imagesMinFreeGiB;
  if (!disk) return c.fail(`Could not measure free space for ${path} or any parent directory.`, `Check that ${path} (or its parent) exists and is readable.`);
  const measured = `${gib(disk.freeBytes)} free on ${disk.mount} (${disk.fsType}), where container images go (${path})`;
  if (disk.freeBytes < min * GIB) {
    return c.fail(`${measured}; workloads' images need at least ${min} GiB.`, `Free space on ${disk.mount}, or mount a disk with at least ${min} GiB free at ${path} before joining.`);
  }
  return c.pass(`${measured}.`);
}
