import { daemonActionCommand } from "./daemon-action.ts";

export const downCommand = daemonActionCommand({
  name: "down",
  summary: "leave the network: drain workloads and deregister (the device key is kept)",
  done: "Left the network.",
  act: (client) => client.down(true),
});
