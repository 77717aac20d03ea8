import { jsonFlag, stateDirFlag } from "../config/common-flags.ts";
import { EXIT, type Command } from "./command.ts";
import { withDaemon } from "./daemon-call.ts";
import { statusText } from "./status-text.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "show this device's state, registry, region and the setup code",
  usage: "akash-home status [--json]",
  flags: [stateDirFlag, jsonFlag],
  run({ values, io }) {
    return withDaemon(values["state-dir"] as string, io, async (client) => {
      const status = await client.status();
      io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : statusText(status, status.setupCode));
      return EXIT.ok;
    });
  },
};
