import type { Check } from "../../../protocol/checks.ts";
import { isPresent, type ExistingInstall } from "../existing-installs.ts";
import { list } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

// These warn rather than fail: the owner may well want the device to take over. They must know first.

function found(install: ExistingInstall): string {
  const parts = [
    ...install.binaries,
    ...install.units.map((u) => `unit ${u}`),
    ...(install.running.length ? [`running: ${install.running.join(", ")}`] : []),
  ];
  return list(parts);
}

/** existing-k3s: joining configures the k3s agent for the Akash region on this machine. */
export function existingK3sCheck(k3s: ExistingInstall): Check {
  const c = checkOf("existing-k3s", "Existing k3s", false);
  if (!isPresent(k3s)) return c.pass("No k3s installed.");
  const uninstall = k3s.uninstallers.length ? `sudo ${k3s.uninstallers.join(" or sudo ")}` : "stop the k3s service and remove /usr/local/bin/k3s";
  return c.warn(
    `k3s is already here (${found(k3s)}). Joining sets k3s up as an agent of the Akash region, replacing this install's configuration, so whatever cluster it serves now loses this machine.`,
    `If this machine must stay in its current cluster, do not join with it. Otherwise remove that k3s first: ${uninstall}.`,
  );
}

/** existing-tailscale: joining logs tailscaled in to the region's control server (Headscale). */
export function existingTailscaleCheck(ts: ExistingInstall): Check {
  const c = checkOf("existing-tailscale", "Existing Tailscale", false);
  if (!isPresent(ts)) return c.pass("No Tailscale installed.");
  if (ts.running.length > 0) {
    return c.warn(
      `Tailscale is already here and running (${found(ts)}). Joining logs tailscaled in to the Akash region's network, which takes this machine off the tailnet it is on now.`,
      "If you need this machine on your own tailnet, use another machine for Akash; otherwise nothing to do.",
    );
  }
  return c.warn(
    `Tailscale is installed but not running (${found(ts)}). Joining starts tailscaled and logs it in to the Akash region's network.`,
    "Nothing to do, unless you use this install for your own tailnet: then use another machine for Akash.",
  );
}
