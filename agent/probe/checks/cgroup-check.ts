import type { Check } from "../../../protocol/checks.ts";
import type { CgroupInfo } from "../cgroups.ts";
import { list } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** Controllers the kubelet needs to account and limit pods. */
const NEEDED = ["cpu", "memory", "pids"];

/** cgroup-v2: current k3s's kubelet refuses cgroup v1, and cannot limit pods without these controllers. */
export function cgroupCheck(cg: CgroupInfo): Check {
  const c = checkOf("cgroup-v2", "cgroup v2", true);
  const grubFix = "Switch to cgroup v2: add systemd.unified_cgroup_hierarchy=1 to GRUB_CMDLINE_LINUX in /etc/default/grub, run sudo update-grub, then reboot.";
  if (cg.version === "hybrid" || cg.version === "v1") {
    return c.fail(`This system uses cgroup v1${cg.version === "hybrid" ? " (hybrid mode)" : ""}; Kubernetes (k3s) needs cgroup v2.`, grubFix);
  }
  if (cg.version === "unknown") return c.fail("No cgroup filesystem found at /sys/fs/cgroup.", `${grubFix} systemd mounts cgroup v2 there at boot.`);
  const missing = NEEDED.filter((n) => !cg.controllers.includes(n));
  if (missing.length > 0) {
    return c.fail(
      `cgroup v2 is on, but the ${list(missing)} controller${missing.length > 1 ? "s are" : " is"} missing, so Kubernetes cannot limit pods.`,
      "Enable them on the kernel command line: add cgroup_enable=memory cgroup_memory=1 (Raspberry Pi: to /boot/firmware/cmdline.txt), then reboot.",
    );
  }
  return c.pass(`cgroup v2 with the ${list(NEEDED)} controllers.`);
}
