import type { PageContext } from "../../ui/agent/index.ts";
import type { AssetUrls } from "../../ui/kit/index.ts";
import type { AgentBackend } from "../backend/agent-backend.ts";
import type { SetupGate } from "../backend/setup-gate.ts";
import type { JoinRun } from "./join-run.ts";

/** WebLog is the logger the daemon hands in; events are short phrases, fields never hold secrets. */
export type WebLog = (event: string, fields?: Record<string, unknown>) => void;

/** WebContext is what every route module gets: the backend, the gate, and the page's own run trackers. */
export interface WebContext {
  backend: AgentBackend;
  gate: SetupGate;
  log: WebLog;
  assets: AssetUrls;
  joining: JoinRun;
}

/** pageContext is what every signed-in page shows around its content. */
export function pageContext(web: WebContext): PageContext {
  const s = web.backend.status();
  return { assets: web.assets, signedIn: true, reached: s.setupStep, footer: `Agent ${s.version}.`, notices: s.notices };
}
