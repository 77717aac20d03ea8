import { jsonFlag, stateDirFlag } from "../config/common-flags.ts";
import { EXIT, type Command } from "./command.ts";
import { withDaemon } from "./daemon-call.ts";
import { statusText } from "./status-text.ts";

export const pauseCommand: Command = {
  name: "pause",
  summary: "stop taking new workloads (running ones finish)",
  usage: "akash-home pause [--json]",
  flags: [stateDirFlag, jsonFlag],
  run({ values, io }) {
    return withDaemon(values["state-dir"] as string, io, async (client) => {
      const status = await client.pause();
      io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : `Paused.\n${statusText(status)}`);
      return EXIT.ok;
    });
  },
};

export const resumeCommand: Command = {
  name: "resume",
  summary: "take workloads again after a pause",
  usage: "akash-home resume [--json]",
  flags: [stateDirFlag, jsonFlag],
  run({ values, io }) {
    return withDaemon(values["state-dir"] as string, io, async (client) => {
      const status = await client.resume();
      io.out(values.json ? JSON.stringify(status, null, 2) + "\n" : `Resumed.\n${statusText(status)}`);
      return EXIT.ok;
    });
  },
};
