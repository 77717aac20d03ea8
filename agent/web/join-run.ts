import type { JoinRunState } from "../../ui/agent/index.ts";
import type { AgentBackend } from "../backend/agent-backend.ts";
import { StepError } from "../backend/step-error.ts";
import { stepProblem } from "./step-problem.ts";
import type { WebLog } from "./web-context.ts";

/**
 * JoinRun runs backend.join in the background and collects its progress for the #join-panel partial:
 * joining talks to the registry and the tunnel and can take a while, longer than a request should wait.
 */
export class JoinRun {
  private state: JoinRunState = { running: false, events: [], problem: null, finished: false, outcome: null };

  constructor(
    private readonly backend: AgentBackend,
    private readonly log: WebLog,
  ) {}

  start(): void {
    if (this.state.running) return;
    this.state = { running: true, events: [], problem: null, finished: false, outcome: null };
    this.backend
      .join((e) => {
        if (e.type === "progress") this.state.events.push({ step: e.step, message: e.message });
      })
      .then((status) => {
        this.state = { ...this.state, running: false, finished: true, outcome: status.phase };
      })
      .catch((err: unknown) => {
        const problem =
          err instanceof StepError
            ? stepProblem(err, "join")
            : { message: `joining failed: ${(err as Error)?.message ?? String(err)}`, fix: "try again; the agent's log (journalctl -u akash-home) has the details", link: null };
        if (!(err instanceof StepError)) this.log("join failed", { error: (err as Error)?.message ?? String(err) });
        this.state = { ...this.state, running: false, finished: true, problem };
      });
  }

  view(): JoinRunState {
    return { ...this.state, events: [...this.state.events] };
  }
}
