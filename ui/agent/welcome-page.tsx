import { InputField } from "../kit/index.ts";
import type { PageContext } from "./page-context.ts";
import { WizardPage } from "./wizard-page.tsx";

export interface WelcomePageProps {
  ctx: PageContext;
  /** Prefill from ?code= in the link the agent printed; the owner still presses the button. */
  code: string | null;
  /** Why the code was refused, when it was. */
  error: string | null;
  /** Where "Continue" goes when this browser is already signed in. */
  continueHref: string;
}

/** WelcomePage asks for the one-time setup code, or, once signed in, sends the owner on. */
export function WelcomePage({ ctx, code, error, continueHref }: WelcomePageProps): JSX.Element {
  return (
    <WizardPage
      ctx={ctx}
      step="welcome"
      title="Set up this computer for Akash"
      intro="Akash at Home lets this computer run cloud workloads for the Akash network and earn for it. You decide what to share, and you can pause or leave at any time."
    >
      {ctx.signedIn ? (
        <section class="card">
          <h2>This browser is signed in</h2>
          <p>You can go on where you left off.</p>
          <div class="actions">
            <a class="button primary" href={continueHref}>
              Continue setup
            </a>
          </div>
        </section>
      ) : (
        <form method="post" action="/welcome" class="card" novalidate>
          <h2>Enter the setup code</h2>
          <InputField
            name="code"
            label="Setup code"
            value={code}
            error={error}
            hint="The agent printed it when it started, like ABCD-EFGH. To see it again, run: sudo akash-home status"
            required
            autofocus
            autocomplete="off"
            spellcheck={false}
            placeholder="XXXX-XXXX"
            class="field-code"
          />
          <div class="actions">
            <button type="submit" class="button primary">
              Open setup
            </button>
          </div>
          <p class="muted small">
            The code proves you are at this computer. It works once; this browser then stays signed in for 12 hours.
          </p>
        </form>
      )}
      <section class="card">
        <h2>What happens next</h2>
        <ol class="next-steps">
          <li>
            <strong>Hardware check.</strong> The agent looks at the processor, memory, disks and GPUs and says what, if anything, needs
            fixing. Nothing is shared yet.
          </li>
          <li>
            <strong>Benchmark.</strong> A short test measures how fast this computer is, so the network can place suitable work here.
          </li>
          <li>
            <strong>Owner and region.</strong> A claim code from the owner portal links this computer to your Akash address; then you pick
            a region.
          </li>
          <li>
            <strong>What to share.</strong> Choose the cores, memory, GPUs and hours you offer. The rest stays yours.
          </li>
          <li>
            <strong>Join.</strong> The computer connects out to its region. No ports are opened on your router.
          </li>
        </ol>
      </section>
    </WizardPage>
  );
}
