import type { AgentStatus } from "../../protocol/index.ts";
import { jsonFlag, stateDirFlag } from "../config/common-flags.ts";
import type { LocalClient } from "../local-api/client.ts";
import { EXIT, type Command } from "./command.ts";
import { withDaemon } from "./daemon-call.ts";
import { statusText } from "./status-text.ts";

/** daemonActionCommand declares a command that asks the daemon to do one thing and shows the status after. */
export function daemonActionCommand(spec: { name: string; summary: string; done: string; act: (client: LocalClient) => Promise<AgentStatus> }): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `akash-home ${spec.name} [--json]`,
    flags: [stateDirFlag, jsonFlag],
    run({ values, io }) {
      return withDaemon(values["state-dir"] as string, io, async (client) => {
        const status = await spec.act(client);
        io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : `${spec.done}\n${statusText(status)}`);
        return EXIT.ok;
      });
    },
  };
}
