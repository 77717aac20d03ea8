import type { RegistryReachability } from "../../protocol/index.ts";
import { InputField, ProblemAlert, type Problem } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { RegistryStatus } from "./registry-status.tsx";
import { WizardPage } from "./wizard-page.tsx";

export interface ClaimPageProps {
  ctx: PageContext;
  registry: RegistryReachability;
  /** The registry came from the agent's configuration; the page shows it but cannot change it. */
  registryConfigured: boolean;
  /** A claim code is already saved (or the registry already knows the owner). */
  claimed: boolean;
  /** The owner's Akash address, once the registry knows it. */
  owner: string | null;
  /** What the owner typed, when the page comes back with errors. */
  values: { registry: string; claim: string };
  errors: { registry?: string; claim?: string };
  problem: Problem | null;
}

/** ClaimPage links the computer to its owner: the registry's address and a claim code from the owner portal. */
export function ClaimPage(p: ClaimPageProps): JSX.Element {
  return (
    <WizardPage
      ctx={p.ctx}
      step="claim"
      title="Connect to your account"
      intro="A claim code links this computer to your Akash address, so what it earns is paid to you."
    >
      <RegistryStatus reachability={p.registry} configured={p.registryConfigured} />
      <form method="post" action="/claim" class="card" novalidate>
        {p.registryConfigured ? (
          <div class="field">
            <p class="label">Registry</p>
            <p>
              <code safe>{p.registry.url ?? ""}</code>
            </p>
            <p class="hint">Set in the agent's configuration (--registry or AKASH_HOME_REGISTRY).</p>
          </div>
        ) : (
          <InputField
            name="registry"
            label="Registry address"
            type="url"
            inputmode="url"
            value={p.values.registry}
            error={p.errors.registry}
            autofocus={Boolean(p.errors.registry)}
            hint="For example https://registry.example.org. Your region's operator gives it to you."
            autocomplete="url"
            spellcheck={false}
            required
          />
        )}
        <InputField
          name="claim"
          label="Claim code"
          value={p.values.claim}
          error={p.errors.claim}
          autofocus={!p.errors.registry && Boolean(p.errors.claim)}
          hint={
            p.claimed
              ? "A claim code is saved. Leave this empty to keep it, or enter a new one to replace it."
              : "In the owner portal, sign in with your Akash wallet and choose “Add a device” to get one."
          }
          autocomplete="off"
          spellcheck={false}
          required={!p.claimed}
        />
        <div class="field">
          <p class="label">Akash address</p>
          {p.owner ? (
            <p>
              <code class="address" safe>
                {p.owner}
              </code>
            </p>
          ) : (
            <p class="muted">Shown here once the registry confirms the claim code.</p>
          )}
        </div>
        {p.problem ? <ProblemAlert problem={p.problem} /> : ""}
        <div class="actions">
          <button type="submit" class="button primary">
            Save and continue
          </button>
          {p.claimed && p.registry.reachable === false ? (
            <a class="button" href="/region">
              Continue without the registry
            </a>
          ) : (
            ""
          )}
        </div>
        {p.claimed && p.registry.reachable === false ? (
          <p class="muted small">Your claim code is saved. You can choose a region and what to share now; the computer checks in once the registry answers.</p>
        ) : (
          ""
        )}
      </form>
    </WizardPage>
  );
}
