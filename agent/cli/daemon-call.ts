import { DaemonNotRunning, LocalApiError, LocalClient } from "../local-api/client.ts";
import { EXIT, type Output } from "./command.ts";

/** withDaemon runs fn against the daemon of stateDir and turns its errors into a message and exit code. */
export async function withDaemon(stateDir: string, io: Output, fn: (client: LocalClient) => Promise<number>): Promise<number> {
  try {
    return await fn(new LocalClient(stateDir));
  } catch (err) {
    if (err instanceof DaemonNotRunning) {
      io.err(`error: ${err.message}\n`);
      return EXIT.failure;
    }
    if (err instanceof LocalApiError) {
      io.err(`error: ${err.message}\n${err.fix ? `fix: ${err.fix}\n` : ""}`);
      return EXIT.failure;
    }
    throw err;
  }
}
