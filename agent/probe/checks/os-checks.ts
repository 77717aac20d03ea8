import type { Check } from "../../../protocol/checks.ts";
import type { Hardware } from "../../../protocol/hardware.ts";
import { THRESHOLDS } from "../../config/thresholds.ts";
import { list } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** kernelVersion reads "6.8.0-45-generic" as [6, 8]; null when it is not a version. */
export function kernelVersion(kernel: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(kernel);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** os: k3s and WireGuard need Linux, and a kernel with cgroup v2 and modern netfilter. */
export function osCheck(os: Hardware["os"]): Check {
  const c = checkOf("os", "Operating system", true);
  const name = `${os.distro} ${os.release}`.trim();
  if (os.platform !== "linux") return c.fail(`This is ${name || os.platform} (${os.platform}); akash-home runs on Linux only.`, "Run akash-home on a Linux machine; Ubuntu 24.04 or Debian 12 are tested most.");
  const { minMajor, minMinor } = THRESHOLDS.kernel;
  const version = kernelVersion(os.kernel);
  const measured = `${name}, kernel ${os.kernel}`;
  if (!version) return c.warn(`${measured}: could not read the kernel version.`, `Check that uname -r prints a version; kernel ${minMajor}.${minMinor} or newer is needed.`);
  const [major, minor] = version;
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    return c.fail(`${measured}; kernel ${minMajor}.${minMinor} or newer is needed for cgroup v2 and WireGuard.`, "Upgrade to a current release of your distribution (Ubuntu 22.04+, Debian 12+), then reboot.");
  }
  return c.pass(`${measured}.`);
}

/** arch: we ship binaries (and k3s exists) for 64-bit x86 and ARM only. */
export function archCheck(os: Hardware["os"]): Check {
  const c = checkOf("arch", "CPU architecture", true);
  const allowed = THRESHOLDS.arch;
  if (!allowed.includes(os.arch)) {
    return c.fail(`${os.arch} is not supported; akash-home runs on ${list([...allowed])}.`, "Use a 64-bit operating system on a 64-bit CPU (a Raspberry Pi 4 or 5 needs the 64-bit Raspberry Pi OS).");
  }
  return c.pass(`${os.arch}.`);
}
