import { daemonActionCommand } from "./daemon-action.ts";

export const pauseCommand = daemonActionCommand({
  name: "pause",
  summary: "stop taking new workloads (running ones finish)",
  done: "Paused.",
  act: (client) => client.pause(),
});

export const resumeCommand = daemonActionCommand({
  name: "resume",
  summary: "take workloads again after a pause",
  done: "Resumed.",
  act: (client) => client.resume(),
});
