import type { RegistryReachability } from "../../protocol/index.ts";
import { Alert, formatWhen, sentence } from "../kit/index.ts";

export interface RegistryStatusProps {
  reachability: RegistryReachability;
  /** Set by flag, env or config file: the owner cannot change it here, only in the agent's configuration. */
  configured: boolean;
  /** "Check again" swaps in a fresh copy of this partial; false makes it reload the page instead (region list). */
  partial?: boolean;
}

/**
 * RegistryStatus is #registry-status: whether the registry answers, and when it does not, why and what
 * to do. "Check again" re-asks the registry through the same partial.
 */
export function RegistryStatus({ reachability: r, configured, partial = true }: RegistryStatusProps): JSX.Element {
  const checkAgain = (
    <p>
      {partial ? (
        <a href="" hx-get="/claim/registry-status" hx-target="#registry-status" hx-swap="outerHTML" class="check-again">
          Check again
        </a>
      ) : (
        <a href="" class="check-again">
          Check again
        </a>
      )}
    </p>
  );
  if (!r.url) {
    return (
      <div id="registry-status">
        <Alert tone="info" title="No registry is set yet">
          <p>Enter the registry's address below. The person or team that runs your region gives it to you.</p>
        </Alert>
      </div>
    );
  }
  if (r.reachable === true) {
    return (
      <div id="registry-status">
        <Alert tone="success" title="Registry reachable">
          <p>
            <code safe>{r.url}</code>
            {r.checkedAt ? <span class="muted small" safe>{` · checked ${formatWhen(r.checkedAt)}`}</span> : ""}
          </p>
        </Alert>
      </div>
    );
  }
  if (r.reachable === null) {
    return (
      <div id="registry-status">
        <Alert tone="info" title="Registry not checked yet">
          <p>
            <code safe>{r.url}</code>
          </p>
          {checkAgain}
        </Alert>
      </div>
    );
  }
  return (
    <div id="registry-status">
      <Alert tone="error" title="Registry not reachable">
        <p>
          The agent could not reach <code safe>{r.url}</code>
          {r.checkedAt ? <span safe>{` (${formatWhen(r.checkedAt)})`}</span> : ""}.
        </p>
        <p>
          <strong>Reason: </strong>
          <span safe>{sentence(r.error ?? "no answer")}</span>
        </p>
        <p>
          <strong>What to do: </strong>
          {configured
            ? "Check that this computer is online and that the registry address in the agent's configuration (--registry or AKASH_HOME_REGISTRY) is right."
            : "Check the address for typos and that this computer is online. If your region's registry is new, it may not be running yet."}{" "}
          Your answers are kept; the agent connects once the registry answers.
        </p>
        {checkAgain}
      </Alert>
    </div>
  );
}
