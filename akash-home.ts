// akash-home: one binary, two roles, as k3s has server and agent. `akash-home registry …` runs the registry;
// anything else is the device agent. Each role is imported only when chosen, so the agent that runs for weeks
// on a home machine never loads the registry's code (nor the registry the agent's).
import { isTerminal, writeStderr, writeStdout } from "./agent/daemon/console-streams.ts";

const argv = process.argv.slice(2);
if (argv[0] === "registry") {
  const { runRegistry } = await import("./registry/main.ts");
  process.exitCode = await runRegistry(argv.slice(1));
} else {
  const { runCli } = await import("./agent/main.ts");
  process.exitCode = await runCli(argv, { out: writeStdout, err: writeStderr, isTty: isTerminal(1) });
}
