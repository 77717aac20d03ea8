// The CLI's client of the daemon's local API. The CLI never imports the backend: this is its only way in.
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AgentStatus, ErrorEnvelope, LOCAL_API, LocalStatus, UpEvent, type UpRequest } from "../../protocol/index.ts";
import { STATE_FILES } from "../config/paths.ts";
import { LOCAL_API_HOST } from "./local-api-host.ts";

/** DaemonNotRunning says there is no agent to talk to, and how to start one. */
export class DaemonNotRunning extends Error {
  override name = "DaemonNotRunning";
}

/** LocalApiError is an error the daemon answered with, including what to do about it. */
export class LocalApiError extends Error {
  override name = "LocalApiError";
  constructor(
    message: string,
    readonly fix: string | null,
  ) {
    super(message);
  }
}

/** LocalClient talks to the agent daemon whose state dir is stateDir. */
export class LocalClient {
  readonly socketPath: string;

  constructor(readonly stateDir: string) {
    this.socketPath = join(stateDir, STATE_FILES.socket);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const notRunning = () =>
      new DaemonNotRunning(`the agent is not running (no answer on ${this.socketPath}); start it with "sudo systemctl start akash-home" or "akash-home agent"`);
    if (!existsSync(this.socketPath)) throw notRunning();
    let res: Response;
    try {
      res = await fetch(`http://${LOCAL_API_HOST}${path}`, {
        method,
        unix: this.socketPath,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      } as RequestInit);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EACCES") throw new DaemonNotRunning(`permission denied on ${this.socketPath}; run this command with sudo`);
      throw notRunning();
    }
    if (!res.ok) {
      const parsed = v.safeParse(ErrorEnvelope, await res.json().catch(() => null));
      if (parsed.success) throw new LocalApiError(parsed.output.error.message, parsed.output.error.fix ?? null);
      throw new LocalApiError(`the agent answered ${res.status}`, null);
    }
    return res;
  }

  async status(): Promise<LocalStatus> {
    return v.parse(LocalStatus, await (await this.call("GET", LOCAL_API.status)).json());
  }

  async pause(): Promise<AgentStatus> {
    return v.parse(AgentStatus, await (await this.call("POST", LOCAL_API.pause)).json());
  }

  async resume(): Promise<AgentStatus> {
    return v.parse(AgentStatus, await (await this.call("POST", LOCAL_API.resume)).json());
  }

  async down(keepState: boolean): Promise<AgentStatus> {
    return v.parse(AgentStatus, await (await this.call("POST", LOCAL_API.down, { keepState })).json());
  }

  /** up streams the daemon's progress events to onEvent and returns the last one. */
  async up(req: UpRequest, onEvent: (e: UpEvent) => void): Promise<UpEvent> {
    const res = await this.call("POST", LOCAL_API.up, req);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    let last: UpEvent | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffered += value;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        last = v.parse(UpEvent, JSON.parse(line));
        onEvent(last);
      }
      if (done) break;
    }
    if (!last) throw new LocalApiError("the agent closed the connection before answering", null);
    return last;
  }
}
