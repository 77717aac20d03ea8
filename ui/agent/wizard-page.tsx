import type { Children } from "@kitajs/html";
import type { SetupStep } from "../../protocol/index.ts";
import { Alert, Layout, StepIndicator } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { previousStep, STEP_LABELS, stepItems, stepPath } from "./wizard-steps.ts";

export interface WizardPageProps {
  ctx: PageContext;
  step: SetupStep;
  title: string;
  intro?: string;
  refreshSeconds?: number | null;
  children?: Children;
}

/** WizardPage is one step of the setup: the step indicator, a heading, the step's content and a way back. */
export function WizardPage(p: WizardPageProps): JSX.Element {
  const back = previousStep(p.step);
  return (
    <Layout title={p.title} assets={p.ctx.assets} signedIn={p.ctx.signedIn} footer={p.ctx.footer} refreshSeconds={p.refreshSeconds}>
      <StepIndicator items={stepItems(p.step, p.ctx.reached)} />
      <div class="page-head">
        <h1 safe>{p.title}</h1>
        {p.intro ? (
          <p class="lead" safe>
            {p.intro}
          </p>
        ) : (
          ""
        )}
      </div>
      {p.ctx.notices.length ? (
        <Alert tone="warning" title="The agent repaired something on its own">
          <ul>
            {p.ctx.notices.map((n) => (
              <li safe>{n}</li>
            ))}
          </ul>
          <p>Your settings for anything not listed are kept. Nothing needs doing unless a step below says so.</p>
        </Alert>
      ) : (
        ""
      )}
      {p.children}
      {back && back !== "welcome" && p.step !== "dashboard" ? (
        <p class="back">
          <a href={stepPath(back)} safe>
            {`← Back to ${STEP_LABELS[back].toLowerCase()}`}
          </a>
        </p>
      ) : (
        ""
      )}
    </Layout>
  );
}

/** Working is a "this is running" box with a spinner for screens that poll. */
export function Working({ title, children }: { title: string; children?: Children }): JSX.Element {
  return (
    <div class="card working">
      <span class="spinner" aria-hidden="true"></span>
      <div>
        <p class="working-title" safe>
          {title}
        </p>
        {children ?? ""}
      </div>
    </div>
  );
}
