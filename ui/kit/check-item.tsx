import type { Check } from "../../protocol/index.ts";
import { StatusBadge } from "./status-badge.tsx";

/** CheckItem is one check in a `ul.checks`: its outcome, what was found, and how to fix it; blockingNote tags a failed blocking check. */
export function CheckItem({ check, blockingNote }: { check: Check; blockingNote: string }): JSX.Element {
  return (
    <li class={`check check-${check.status}`}>
      <StatusBadge status={check.status} />
      <div class="check-body">
        <h3 safe>{check.title}</h3>
        <p safe>{check.message}</p>
        {check.fix && check.status !== "pass" ? (
          <p class="fix">
            <strong>How to fix: </strong>
            <span safe>{check.fix}</span>
          </p>
        ) : (
          ""
        )}
        {check.status === "fail" && check.blocking ? (
          <p class="tag" safe>
            {blockingNote}
          </p>
        ) : (
          ""
        )}
      </div>
    </li>
  );
}

const ORDER: Record<Check["status"], number> = { fail: 0, warn: 1, pass: 2 };

/** CheckList shows what needs attention first (failures, then warnings); what passed folds away, open when nothing else is listed. */
export function CheckList({ checks, blockingNote }: { checks: readonly Check[]; blockingNote: string }): JSX.Element {
  const attention = checks.filter((c) => c.status !== "pass").sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const passed = checks.filter((c) => c.status === "pass");
  return (
    <>
      {attention.length ? (
        <ul class="checks">
          {attention.map((c) => (
            <CheckItem check={c} blockingNote={blockingNote} />
          ))}
        </ul>
      ) : (
        ""
      )}
      {passed.length ? (
        <details class="passed-checks" open={attention.length === 0}>
          <summary safe>{`${passed.length} ${passed.length === 1 ? "check" : "checks"} passed`}</summary>
          <ul class="checks">
            {passed.map((c) => (
              <CheckItem check={c} blockingNote={blockingNote} />
            ))}
          </ul>
        </details>
      ) : (
        ""
      )}
    </>
  );
}
