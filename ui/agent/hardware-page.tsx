import type { Check, DoctorReport } from "../../protocol/index.ts";
import { Alert, CheckList, formatWhen, ProblemAlert, selfPolling, type Problem } from "../kit/index.ts";
import { HardwareSummary } from "./hardware-summary.tsx";
import type { PageContext } from "./page-context.ts";
import { WizardPage, Working } from "./wizard-page.tsx";

/** DoctorPanelProps is the state of the hardware checks as the page shows it. */
export interface DoctorPanelProps {
  report: DoctorReport | null;
  running: boolean;
  /** Why the last run could not finish, if it could not. */
  runError: string | null;
  /** A refused "continue", shown above the buttons. */
  problem: Problem | null;
}

/** HardwarePage shows the hardware and the preflight checks, and lets the owner go on once nothing blocks. */
export function HardwarePage(p: DoctorPanelProps & { ctx: PageContext }): JSX.Element {
  return (
    <WizardPage
      ctx={p.ctx}
      step="hardware"
      title="Hardware and checks"
      intro="The agent checks that this computer can run workloads safely. Each check says what it found and, if something is wrong, how to fix it."
      refreshSeconds={p.running ? 3 : null}
    >
      <DoctorPanel {...p} />
    </WizardPage>
  );
}

/** DoctorPanel is #doctor-panel: it polls itself while the checks run and shows the report after. */
export function DoctorPanel({ report, running, runError, problem }: DoctorPanelProps): JSX.Element {
  if (running) {
    return (
      <section id="doctor-panel" aria-busy="true" {...selfPolling("/hardware/progress", 800)}>
        <Working title="Checking this computer…">
          <p>Looking at the processor, memory, disks, graphics cards and container engine. This takes a few seconds.</p>
        </Working>
      </section>
    );
  }
  if (!report) {
    return (
      <section id="doctor-panel">
        {runError ? <ProblemAlert title="The checks could not run" problem={{ message: runError, fix: "try again; if it keeps failing, run `sudo akash-home doctor` in a terminal to see the details" }} /> : ""}
        <div class="card">
          <p>This computer has not been checked yet.</p>
          <RunChecksForm primary />
        </div>
      </section>
    );
  }
  const blocking = report.checks.filter((c) => c.status === "fail" && c.blocking);
  const warnings = report.checks.filter((c) => c.status === "warn" || (c.status === "fail" && !c.blocking));
  return (
    <section id="doctor-panel">
      {runError ? <ProblemAlert title="The last run of the checks failed" problem={{ message: runError, fix: "the results below are from the run before; try again" }} /> : ""}
      <ReadinessAlert blocking={blocking} warnings={warnings} />
      <HardwareSummary hw={report.hardware} />
      <section class="card" aria-labelledby="checks-title">
        <div class="card-head">
          <h2 id="checks-title">Checks</h2>
          <p class="muted small" safe>{`Checked ${formatWhen(report.at)}`}</p>
        </div>
        <CheckList checks={report.checks} blockingNote="Required to join" />
      </section>
      {problem ? <ProblemAlert problem={problem} /> : ""}
      <div class="actions">
        <RunChecksForm />
        <form method="post" action="/hardware/continue">
          <button type="submit" class="button primary" disabled={!report.ready} aria-describedby={report.ready ? undefined : "continue-blocked"}>
            Continue to benchmark
          </button>
        </form>
      </div>
      {report.ready ? (
        ""
      ) : (
        <p id="continue-blocked" class="blocked-reason" safe>
          {`Continue is off until ${blocking.length === 1 ? "this check passes" : "these checks pass"}: ${blocking.map((c) => c.title).join(", ")}. Fix ${blocking.length === 1 ? "it" : "them"}, then run the checks again.`}
        </p>
      )}
    </section>
  );
}

function ReadinessAlert({ blocking, warnings }: { blocking: Check[]; warnings: Check[] }): JSX.Element {
  if (blocking.length) {
    return (
      <Alert tone="error" title={`${blocking.length === 1 ? "One check must pass" : `${blocking.length} checks must pass`} before this computer can join`}>
        <p>Each failing check below says how to fix it. Your progress is kept while you do.</p>
      </Alert>
    );
  }
  if (warnings.length) {
    return (
      <Alert tone="warning" title="This computer can join, with warnings">
        <p>It works as it is, but fixing the warnings below lets it take more kinds of work.</p>
      </Alert>
    );
  }
  return <Alert tone="success" title="This computer is ready to join" />;
}

function RunChecksForm({ primary = false }: { primary?: boolean }): JSX.Element {
  return (
    <form method="post" action="/hardware/check">
      <button type="submit" class={primary ? "button primary" : "button"}>
        {primary ? "Check this computer" : "Run the checks again"}
      </button>
    </form>
  );
}
