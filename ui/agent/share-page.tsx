import type { Gpu, Hardware } from "../../protocol/index.ts";
import { FieldError, formatGiB, InputField, ProblemAlert, type Problem } from "../kit/index.ts";
import { akashName } from "./hardware-summary.tsx";
import type { PageContext } from "./page-context.ts";
import { WizardPage } from "./wizard-page.tsx";

/** ShareFormValues is the share form as typed: strings, so a refused value comes back exactly as entered. */
export interface ShareFormValues {
  cpuCores: string;
  memoryGiB: string;
  gpus: string[];
  hours: "always" | "window";
  from: string;
  to: string;
}

export type ShareFormErrors = Partial<Record<"cpuCores" | "memoryGiB" | "gpus" | "hours" | "from" | "to", string>>;

export interface SharePageProps {
  ctx: PageContext;
  hardware: Hardware | null;
  values: ShareFormValues;
  errors: ShareFormErrors;
  problem: Problem | null;
}

/** SharePage decides what this computer offers: cores, memory, GPUs and hours. */
export function SharePage(p: SharePageProps): JSX.Element {
  const hw = p.hardware;
  const threads = hw?.cpu.threads;
  const memGiB = hw ? Math.floor(hw.memory.totalBytes / 2 ** 30) : undefined;
  return (
    <WizardPage
      ctx={p.ctx}
      step="share"
      title="What to share"
      intro="Offer part of this computer; the rest stays yours. Workloads can never use more than you set here, and you can change it later."
    >
      <form method="post" action="/share" class="card" novalidate>
        {p.problem ? <ProblemAlert problem={p.problem} /> : ""}
        <div class="field-grid">
          <InputField
            name="cpuCores"
            label="Processor threads"
            type="number"
            inputmode="numeric"
            min={1}
            max={threads}
            value={p.values.cpuCores}
            error={p.errors.cpuCores}
            autofocus={Boolean(p.errors.cpuCores)}
            suffix={threads ? `of ${threads}` : undefined}
            hint="Keep at least one for yourself so this computer stays responsive."
            required
          />
          <InputField
            name="memoryGiB"
            label="Memory"
            type="number"
            inputmode="numeric"
            min={1}
            max={memGiB}
            value={p.values.memoryGiB}
            error={p.errors.memoryGiB}
            autofocus={!p.errors.cpuCores && Boolean(p.errors.memoryGiB)}
            suffix={hw ? `GiB of ${formatGiB(hw.memory.totalBytes)}` : "GiB"}
            hint="Keep a quarter or more for the system and your own programs."
            required
          />
        </div>
        <GpuChoices gpus={hw?.gpus ?? []} chosen={p.values.gpus} error={p.errors.gpus} />
        <fieldset class={p.errors.hours || p.errors.from || p.errors.to ? "has-error" : ""}>
          <legend>When</legend>
          <label class="choice">
            <input type="radio" name="hours" value="always" checked={p.values.hours === "always"} />
            <span>
              <strong>Always</strong>
              <span class="choice-hint">Best for earnings: work is placed on computers that are there when it needs them.</span>
            </span>
          </label>
          <label class="choice">
            <input type="radio" name="hours" value="window" checked={p.values.hours === "window"} />
            <span>
              <strong>Only during set hours</strong>
              <span class="choice-hint">For example overnight. Times are in this computer's time zone.</span>
            </span>
          </label>
          <div class="field-grid hours-window">
            <InputField name="from" label="From" type="time" value={p.values.from} error={p.errors.from} />
            <InputField name="to" label="To" type="time" value={p.values.to} error={p.errors.to} />
          </div>
          {p.errors.hours ? <FieldError id="hours-error" message={p.errors.hours} /> : ""}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button primary">
            Save and continue
          </button>
        </div>
      </form>
    </WizardPage>
  );
}

function GpuChoices({ gpus, chosen, error }: { gpus: Gpu[]; chosen: string[]; error?: string }): JSX.Element {
  return (
    <fieldset aria-describedby={error ? "gpus-error" : undefined}>
      <legend>Graphics cards</legend>
      {gpus.length === 0 ? <p class="muted">No graphics card was found, so only the processor and memory are shared.</p> : ""}
      {gpus.map((g) => {
        const shareable = g.supported && g.uuid !== null;
        const name = akashName(g);
        return (
          <label class={shareable ? "choice" : "choice choice-disabled"}>
            <input type="checkbox" name="gpus" value={g.uuid ?? ""} checked={shareable && chosen.includes(g.uuid ?? "")} disabled={!shareable} />
            <span>
              <strong safe>{g.name}</strong> {name ? <code safe>{name}</code> : ""}
              <span class="choice-hint" safe>
                {shareable ? "Can be shared." : `Cannot be shared: ${g.unsupportedReason ?? "not supported"}.`}
              </span>
            </span>
          </label>
        );
      })}
      {error ? <FieldError id="gpus-error" message={error} /> : ""}
    </fieldset>
  );
}
