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

// The daemon is the one subcommand that does not talk to a daemon: it is the daemon.
export const agentCommand: Command = {
  name: "agent",
  summary: "run the agent and its setup page (the default)",
  usage: "akash-home [agent] [--listen 127.0.0.1:7777] [--state-dir DIR] [--registry URL]",
  flags: [stateDirFlag, listenFlag, registryFlag, ignoreChecksFlag, machineIdFileFlag],
  async run({ values, io }) {
    return runDaemon({
      stateDir: values["state-dir"] as string,
      listen: values.listen as string,
      registry: (values.registry as string | undefined) ?? null,
      ignoreChecks: (values["ignore-checks"] as string | undefined) ?? null,
      machineIdFile: (values["machine-id-file"] as string | undefined) ?? null,
      io,
    });
  },
};
