import type { Check } from "../../../protocol/checks.ts";
import { checkOf } from "./check-builder.ts";

/** systemd: the agent, tailscaled and the k3s agent are installed and kept running as systemd services. */
export function systemdCheck(running: boolean): Check {
  const c = checkOf("systemd", "systemd", true);
  if (running) return c.pass("systemd is the init system.");
  return c.fail(
    "systemd is not running as the init system; akash-home, tailscaled and k3s are installed as systemd services.",
    "Use a distribution that boots with systemd (Ubuntu, Debian, Fedora, …). In WSL, add systemd=true under [boot] in /etc/wsl.conf and run wsl --shutdown.",
  );
}
