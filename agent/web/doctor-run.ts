import type { AgentBackend } from "../backend/agent-backend.ts";
import type { WebLog } from "./web-context.ts";

/**
 * DoctorRun starts the hardware checks in the background and remembers whether they run and how the last
 * run failed, so the page can poll instead of holding a request open. The backend shares concurrent runs.
 */
export class DoctorRun {
  private running = false;
  private error: string | null = null;

  constructor(
    private readonly backend: AgentBackend,
    private readonly log: WebLog,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.error = null;
    this.backend
      .runDoctor()
      .catch((err: unknown) => {
        this.error = (err as Error)?.message ?? String(err);
        this.log("hardware check failed", { error: this.error });
      })
      .finally(() => {
        this.running = false;
      });
  }

  view(): { running: boolean; runError: string | null } {
    return { running: this.running, runError: this.error };
  }
}
