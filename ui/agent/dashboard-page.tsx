import type { AgentPhase, AgentStatus } from "../../protocol/index.ts";
import { formatWhen, Layout, Pill, ProblemAlert, StepIndicator, type PillTone, type Problem } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { shareLines } from "./share-summary.ts";
import { stepItems, stepPath } from "./wizard-steps.ts";

const PHASES: Record<AgentPhase, { tone: PillTone; label: string; explain: string }> = {
  setup: { tone: "neutral", label: "Not joined", explain: "Setup is not finished, so this computer takes no work yet." },
  waitlisted: { tone: "warn", label: "On the waiting list", explain: "The region is full. The computer moves in when a place opens; nothing to do meanwhile." },
  "pending-approval": { tone: "neutral", label: "Waiting for approval", explain: "The region's operator approves new computers. This usually happens within a day." },
  joining: { tone: "neutral", label: "Joining", explain: "The computer is connecting to its region." },
  online: { tone: "good", label: "Online", explain: "This computer is part of its region and can receive work." },
  paused: { tone: "warn", label: "Paused", explain: "No new work is placed here. Resume when you are ready." },
  offline: { tone: "bad", label: "Offline", explain: "The region cannot reach this computer. The agent keeps retrying; check the internet connection." },
  left: { tone: "neutral", label: "Left the network", explain: "This computer left the network. Set it up again to rejoin." },
};

function checksLine(s: AgentStatus): string {
  if (!s.doctor) return "not run";
  const warnings = s.doctor.warnings === 1 ? "1 warning" : `${s.doctor.warnings} warnings`;
  return `${formatWhen(s.doctor.at)}: ${s.doctor.ready ? "ready" : `${s.doctor.failing} failing`}, ${warnings}`;
}

export interface DashboardPageProps {
  ctx: PageContext;
  status: AgentStatus;
  /** The machine's name from the last hardware check, for the heading. */
  hostname: string | null;
  problem: Problem | null;
}

/** DashboardPage is the computer's standing once set up: status, connection, work, what is shared, and controls. */
export function DashboardPage({ ctx, status: s, hostname, problem }: DashboardPageProps): JSX.Element {
  const phase = PHASES[s.phase];
  const reg = s.registry;
  const regTone: PillTone = reg.reachable === true ? "good" : reg.reachable === false ? "bad" : "neutral";
  const regLabel = reg.reachable === true ? "Reachable" : reg.reachable === false ? "Not reachable" : "Not checked";
  return (
    <Layout title="Dashboard" assets={ctx.assets} signedIn={ctx.signedIn} footer={ctx.footer}>
      <StepIndicator items={stepItems("dashboard", ctx.reached)} />
      <div class="page-head">
        <h1 safe>{hostname ?? "This computer"}</h1>
        <p class="lead">
          <Pill tone={phase.tone} text={phase.label} /> <span safe>{phase.explain}</span>
        </p>
      </div>
      {problem ? <ProblemAlert title="That did not work" problem={problem} /> : ""}
      <div class="grid">
        <section class="card" aria-labelledby="conn-title">
          <h2 id="conn-title">Connection</h2>
          <dl class="facts">
            <div>
              <dt>Region</dt>
              <dd safe>{s.region?.name ?? "not assigned yet"}</dd>
            </div>
            <div>
              <dt>Registry</dt>
              <dd>
                <Pill tone={regTone} text={regLabel} /> {reg.url ? <code safe>{reg.url}</code> : ""}
                {reg.reachable === false && reg.error ? <span class="small muted block" safe>{reg.error}</span> : ""}
                {reg.checkedAt ? <span class="small muted block" safe>{`checked ${formatWhen(reg.checkedAt)}`}</span> : ""}
              </dd>
            </div>
            {s.standing?.waitlist ? (
              <div>
                <dt>Waiting list</dt>
                <dd safe>{`Position ${s.standing.waitlist.position} of ${s.standing.waitlist.waiting} in area ${s.standing.waitlist.area}: ${s.standing.waitlist.reason}`}</dd>
              </div>
            ) : (
              ""
            )}
            <div>
              <dt>Owner</dt>
              <dd>{s.owner ? <code class="address" safe>{s.owner}</code> : <span class="muted">confirmed at check-in</span>}</dd>
            </div>
          </dl>
        </section>
        <section class="card" aria-labelledby="usage-title">
          <h2 id="usage-title">Shared and in use</h2>
          {s.share ? (
            <dl class="facts">
              {shareLines(s.share).map((l) => (
                <div>
                  <dt safe>{l.label}</dt>
                  <dd safe>{l.value}</dd>
                </div>
              ))}
              <div>
                <dt>In use now</dt>
                <dd>nothing: no workloads yet</dd>
              </div>
            </dl>
          ) : (
            <p class="muted">Nothing is shared yet.</p>
          )}
          <p>
            <a href={stepPath("share")}>Change what is shared</a>
          </p>
        </section>
      </div>
      <section class="card" aria-labelledby="work-title">
        <h2 id="work-title">Workloads</h2>
        <div class="empty">
          <p>
            <strong>No workloads yet.</strong>
          </p>
          <p class="muted">
            When someone deploys to your region and the scheduler places their work on this computer, it is listed here with how much
            of what you share it uses.
          </p>
        </div>
      </section>
      <section class="card" aria-labelledby="controls-title">
        <h2 id="controls-title">Controls</h2>
        <p class="muted">Pausing stops new work from being placed here; work already running finishes. Leaving moves work elsewhere and disconnects this computer.</p>
        <div class="actions">
          {s.paused ? (
            <form method="post" action="/dashboard/resume">
              <button type="submit" class="button primary">
                Resume
              </button>
            </form>
          ) : (
            <form method="post" action="/dashboard/pause">
              <button type="submit" class="button">
                Pause
              </button>
            </form>
          )}
          <form
            method="post"
            action="/dashboard/leave"
            hx-confirm="Leave the network? Work running here moves elsewhere and this computer stops earning. Its identity is kept, so it can come back later."
          >
            <button type="submit" class="button danger">
              Leave the network
            </button>
          </form>
        </div>
      </section>
      <section class="card" aria-labelledby="device-title">
        <h2 id="device-title">About this agent</h2>
        <dl class="facts">
          <div>
            <dt>Device ID</dt>
            <dd>
              <code safe>{s.deviceId}</code>
            </dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd safe>{`${s.version} (${s.commit}), protocol ${s.protocolVersion}`}</dd>
          </div>
          <div>
            <dt>Data folder</dt>
            <dd>
              <code safe>{s.stateDir}</code>
            </dd>
          </div>
          <div>
            <dt>Last checks</dt>
            <dd safe>{checksLine(s)}</dd>
          </div>
        </dl>
        <p>
          <a href={stepPath("hardware")}>Review the setup steps</a>
        </p>
      </section>
    </Layout>
  );
}
