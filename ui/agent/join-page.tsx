import type { AgentPhase, SetupStep, ShareSettings } from "../../protocol/index.ts";
import { Alert, ProblemAlert, selfPolling, type Problem } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { shareLines } from "./share-summary.ts";
import { WizardPage, Working } from "./wizard-page.tsx";
import { stepPath } from "./wizard-steps.ts";

/** JoinRunState is the join as the page shows it: not started, running with its steps, failed or done. */
export interface JoinRunState {
  running: boolean;
  events: { step: SetupStep; message: string }[];
  problem: Problem | null;
  finished: boolean;
  /** Where the registry put the computer once the join finished well; null before that. */
  outcome: AgentPhase | null;
}

/** JoinSummary is what the owner chose, repeated before the computer joins. */
export interface JoinSummary {
  registryUrl: string | null;
  claimed: boolean;
  owner: string | null;
  region: string;
  share: ShareSettings | null;
}

export interface JoinPageProps {
  ctx: PageContext;
  summary: JoinSummary;
  run: JoinRunState;
}

/** JoinPage repeats the owner's choices and joins the network, showing each step as it happens. */
export function JoinPage(p: JoinPageProps): JSX.Element {
  return (
    <WizardPage
      ctx={p.ctx}
      step="join"
      title="Join the network"
      intro="The agent checks in with the registry, gets credentials made for this computer only, and connects to its region over an encrypted tunnel. No ports are opened on your router."
      refreshSeconds={p.run.running ? 3 : null}
    >
      <SummaryCard summary={p.summary} />
      <JoinPanel run={p.run} />
    </WizardPage>
  );
}

function SummaryCard({ summary: s }: { summary: JoinSummary }): JSX.Element {
  return (
    <section class="card" aria-labelledby="join-summary-title">
      <h2 id="join-summary-title">Your choices</h2>
      <dl class="facts">
        <div>
          <dt>Registry</dt>
          <dd>{s.registryUrl ? <code safe>{s.registryUrl}</code> : <span class="muted">not set</span>} <a href={stepPath("claim")}>Change</a></dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>
            {s.owner ? <code safe>{s.owner}</code> : <span>{s.claimed ? "claim code saved; confirmed at check-in" : "no claim code yet"}</span>}{" "}
            <a href={stepPath("claim")}>Change</a>
          </dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>
            <span safe>{s.region}</span> <a href={stepPath("region")}>Change</a>
          </dd>
        </div>
        {s.share ? (
          shareLines(s.share).map((l) => (
            <div>
              <dt safe>{l.label}</dt>
              <dd safe>{l.value}</dd>
            </div>
          ))
        ) : (
          <div>
            <dt>Shared</dt>
            <dd>
              <span class="muted">nothing chosen yet</span> <a href={stepPath("share")}>Choose</a>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

/** finishedAlert says how a join that went well ended: a computer in line or awaiting approval has not joined yet. */
function finishedAlert(outcome: AgentPhase | null): { tone: "success" | "info"; title: string } {
  if (outcome === "waitlisted") return { tone: "info", title: "Checked in: this computer is on the waiting list" };
  if (outcome === "pending-approval") return { tone: "info", title: "Checked in: this computer waits for the operator's approval" };
  return { tone: "success", title: "This computer has joined" };
}

/** JoinPanel is #join-panel: it polls itself while joining and shows the outcome after. */
export function JoinPanel({ run }: { run: JoinRunState }): JSX.Element {
  const events = run.events.length ? (
    <ol class="events">
      {run.events.map((e) => (
        <li safe>{e.message}</li>
      ))}
    </ol>
  ) : (
    ""
  );
  if (run.running) {
    return (
      <section id="join-panel" aria-busy="true" {...selfPolling("/join/progress", 700)}>
        <Working title="Joining…">{events}</Working>
      </section>
    );
  }
  if (run.finished && !run.problem) {
    return (
      <section id="join-panel">
        <Alert {...finishedAlert(run.outcome)}>
          {events}
          <p>
            <a class="button primary" href={stepPath("dashboard")}>
              Open the dashboard
            </a>
          </p>
        </Alert>
      </section>
    );
  }
  return (
    <section id="join-panel">
      {run.problem ? (
        <>
          <ProblemAlert title="Joining did not finish" problem={run.problem} />
          {events ? (
            <details class="card">
              <summary>What the agent did</summary>
              {events}
            </details>
          ) : (
            ""
          )}
        </>
      ) : (
        ""
      )}
      <form method="post" action="/join" class="actions">
        <button type="submit" class="button primary">
          {run.problem ? "Try joining again" : "Join the network"}
        </button>
      </form>
    </section>
  );
}
