import type { RegionSummary, RegistryReachability } from "../../protocol/index.ts";
import { FieldError, ProblemAlert, type Problem } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { RegistryStatus } from "./registry-status.tsx";
import { WizardPage } from "./wizard-page.tsx";

export interface RegionPageProps {
  ctx: PageContext;
  /** The registry's regions, or null when it could not be asked. */
  regions: RegionSummary[] | null;
  registry: RegistryReachability;
  registryConfigured: boolean;
  /** "auto" or a region id. */
  selected: string;
  error: string | null;
  problem: Problem | null;
}

/** RegionPage picks where the computer works: the nearest region by default, or one the owner names. */
export function RegionPage(p: RegionPageProps): JSX.Element {
  const described = p.error ? "region-error" : undefined;
  return (
    <WizardPage
      ctx={p.ctx}
      step="region"
      title="Choose a region"
      intro="Your computer joins one regional cluster. Nearer means faster for the people whose work it runs."
    >
      {p.regions === null && p.registry.url ? <RegistryStatus reachability={p.registry} configured={p.registryConfigured} partial={false} /> : ""}
      <form method="post" action="/region" class="card">
        <fieldset aria-describedby={described}>
          <legend>Where should this computer work?</legend>
          <label class="choice">
            <input type="radio" name="region" value="auto" checked={p.selected === "auto"} />
            <span>
              <strong>Nearest region</strong> <span class="tag tag-good">Recommended</span>
              <span class="choice-hint">The agent measures the round trip to each region and joins the nearest one that has room.</span>
            </span>
          </label>
          {(p.regions ?? []).map((r) => (
            <label class={r.status === "planned" ? "choice choice-disabled" : "choice"}>
              <input type="radio" name="region" value={r.id} checked={p.selected === r.id} disabled={r.status === "planned"} />
              <span>
                <strong safe>{r.name}</strong> <code safe>{r.locationRegion}</code>
                <span class="choice-hint">
                  {r.status === "planned" ? "Planned, not open yet." : r.full ? "Full right now: you join its waiting list and move in when a place opens." : "Open for new computers."}
                </span>
              </span>
            </label>
          ))}
          {p.regions && p.regions.length === 0 ? <p class="muted">The registry lists no regions yet; the nearest one is chosen once it has some.</p> : ""}
          {p.regions === null ? <p class="muted">The list of regions appears when the registry answers. You can still choose the nearest region now.</p> : ""}
        </fieldset>
        {p.error ? <FieldError id="region-error" message={p.error} /> : ""}
        {p.problem ? <ProblemAlert problem={p.problem} /> : ""}
        <div class="actions">
          <button type="submit" class="button primary">
            Continue
          </button>
        </div>
      </form>
    </WizardPage>
  );
}
