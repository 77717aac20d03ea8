import type { Children } from "@kitajs/html";
import type { Problem } from "./problem.ts";

export type AlertTone = "info" | "success" | "warning" | "error";

export interface AlertProps {
  tone: AlertTone;
  title: string;
  id?: string;
  children?: Children;
}

/** Alert is a boxed message; errors are announced to screen readers at once, the rest politely. */
export function Alert({ tone, title, id, children }: AlertProps): JSX.Element {
  return (
    <div class={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"} id={id}>
      <p class="alert-title" safe>
        {title}
      </p>
      {children ?? ""}
    </div>
  );
}

/** ProblemAlert shows a Problem: what went wrong, what to do, and where to go to do it. */
export function ProblemAlert({ problem, title = "This step cannot go on yet", id }: { problem: Problem; title?: string; id?: string }): JSX.Element {
  return (
    <Alert tone="error" title={title} id={id}>
      <p safe>{sentence(problem.message)}</p>
      {problem.fix ? (
        <p>
          <strong>What to do: </strong>
          <span safe>{sentence(problem.fix)}</span>
        </p>
      ) : (
        ""
      )}
      {problem.link ? (
        <p>
          <a href={problem.link.href} safe>
            {problem.link.label}
          </a>
        </p>
      ) : (
        ""
      )}
    </Alert>
  );
}

/** sentence starts a message with a capital and ends it with a full stop, as messages from below are lower-case fragments. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
