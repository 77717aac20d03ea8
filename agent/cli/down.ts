import { jsonFlag, stateDirFlag } from "../config/common-flags.ts";
import { EXIT, type Command } from "./command.ts";
import { withDaemon } from "./daemon-call.ts";
import { statusText } from "./status-text.ts";

export const downCommand: Command = {
  name: "down",
  summary: "leave the network: drain workloads and deregister (the device key is kept)",
  usage: "akash-home down [--json]",
  flags: [stateDirFlag, jsonFlag],
  run({ values, io }) {
    return withDaemon(values["state-dir"] as string, io, async (client) => {
      const status = await client.down(true);
      io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : `Left the network.\n${statusText(status)}`);
      return EXIT.ok;
    });
  },
};
