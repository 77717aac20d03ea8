import type { FlagSpec } from "../config/flags.ts";
import { ignoreChecksFlag, listenFlag, registryFlag, stateDirFlag } from "../config/common-flags.ts";
import { runDaemon } from "../daemon/start.ts";
import type { Command } from "./command.ts";

const machineIdFileFlag: FlagSpec = {
  name: "machine-id-file",
  kind: "string",
  placeholder: "FILE",
  help: "file holding this machine's id (default /etc/machine-id); give each container its own when several share a host",
};

const tailscaleBinFlag: FlagSpec = { name: "tailscale-bin", kind: "string", placeholder: "FILE", help: "the tailscale CLI that joins the region's tailnet", default: "tailscale" };
const tailscaleSocketFlag: FlagSpec = { name: "tailscale-socket", kind: "string", placeholder: "FILE", help: "tailscaled's socket (default: the system's)" };
const k3sBinFlag: FlagSpec = { name: "k3s-bin", kind: "string", placeholder: "FILE", help: "the k3s binary that runs this device's kubelet", default: "k3s" };

// The daemon is the one subcommand that does not talk to a daemon: it is the daemon.
export const agentCommand: Command = {
  name: "agent",
  summary: "run the agent and its setup page (the default)",
  usage: "akash-home [agent] [--listen 127.0.0.1:7777] [--state-dir DIR] [--registry URL]",
  flags: [stateDirFlag, listenFlag, registryFlag, ignoreChecksFlag, machineIdFileFlag, tailscaleBinFlag, tailscaleSocketFlag, k3sBinFlag],
  async run({ values, io }) {
    return runDaemon({
      stateDir: values["state-dir"] as string,
      listen: values.listen as string,
      registry: (values.registry as string | undefined) ?? null,
      ignoreChecks: (values["ignore-checks"] as string | undefined) ?? null,
      machineIdFile: (values["machine-id-file"] as string | undefined) ?? null,
      tailscaleBin: values["tailscale-bin"] as string,
      tailscaleSocket: (values["tailscale-socket"] as string | undefined) ?? null,
      k3sBin: values["k3s-bin"] as string,
      io,
    });
  },
};
