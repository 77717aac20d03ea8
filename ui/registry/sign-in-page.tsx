import { PORTAL_PAGES, REGISTRY_API } from "../../protocol/index.ts";
import { Alert, FieldError, InputField } from "../kit/index.ts";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";

/** ManualSignIn is the second step of signing in without a browser wallet: the message to sign, and what was pasted. */
export interface ManualSignIn {
  address: string;
  message: string;
  /** The ADR-36 Amino sign doc of the message, as JSON, for tools that sign sign docs. */
  signDoc: string;
  expiresAt: string;
  signature: string;
  error: string | null;
}

export interface SignInPageProps {
  ctx: PortalContext;
  /** Where to go once signed in (a portal path). */
  next: string;
  notice: "expired" | "signed-out" | "sign-in-first" | null;
  /** Chain id handed to the wallet; the signature itself is chain-independent (ADR-36). */
  chainId: string;
  address: string;
  addressError: string | null;
  manual: ManualSignIn | null;
}

const NOTICES = {
  expired: { tone: "warning", title: "Your session has ended", text: "Sessions last 12 hours. Sign in again to carry on where you were." },
  "signed-out": { tone: "success", title: "You are signed out", text: "Your session on this registry has ended." },
  "sign-in-first": { tone: "info", title: "Sign in to see that page", text: "Your devices and earnings are shown only to the wallet that owns them." },
} as const;

/** SignInPage signs an owner in with their Akash wallet: Keplr or Leap in the browser, or any ADR-36 signer by hand. */
export function SignInPage(p: SignInPageProps): JSX.Element {
  const notice = p.notice ? NOTICES[p.notice] : null;
  return (
    <PortalLayout ctx={p.ctx} title="Sign in" nav="sign-in">
      <div class="page-head">
        <h1>Sign in to the owner portal</h1>
        <p class="lead">
          You sign in by proving you control your Akash address: your wallet signs a short message from this registry. It is not a
          transaction, it moves no funds and costs nothing.
        </p>
      </div>
      {notice ? (
        <Alert tone={notice.tone} title={notice.title}>
          <p>{notice.text}</p>
        </Alert>
      ) : (
        ""
      )}
      <section class="card" aria-labelledby="wallet-title">
        <h2 id="wallet-title">With Keplr or Leap</h2>
        <div
          data-wallet-sign-in=""
          data-chain-id={p.chainId}
          data-challenge-url={REGISTRY_API.authChallenge}
          data-verify-url={REGISTRY_API.authVerify}
          data-next={p.next}
        >
          <p class="muted" data-wallet-none="">
            No Keplr or Leap wallet was found in this browser (or JavaScript is off). Install one, or sign in by hand below.
          </p>
          <div class="actions">
            <button type="button" class="button primary" data-wallet-button="" hidden>
              Sign in with your wallet
            </button>
          </div>
          <p class="hint" data-wallet-status="" role="status" aria-live="polite"></p>
        </div>
      </section>
      <section class="card" aria-labelledby="manual-title">
        <h2 id="manual-title">Without a browser wallet</h2>
        {p.manual ? <ManualStep manual={p.manual} next={p.next} /> : <AddressStep address={p.address} error={p.addressError} next={p.next} />}
      </section>
    </PortalLayout>
  );
}

function AddressStep({ address, error, next }: { address: string; error: string | null; next: string }): JSX.Element {
  return (
    <form method="post" action={PORTAL_PAGES.signIn}>
      <p>Enter your address and the registry gives you the exact message to sign with any tool that can sign ADR-36 messages.</p>
      <input type="hidden" name="next" value={next} />
      <InputField name="address" label="Your Akash address" value={address} placeholder="akash1…" autocomplete="off" spellcheck={false} error={error} required />
      <div class="actions">
        <button type="submit" class="button">
          Get the message to sign
        </button>
      </div>
    </form>
  );
}

function ManualStep({ manual: m, next }: { manual: ManualSignIn; next: string }): JSX.Element {
  return (
    <form method="post" action={PORTAL_PAGES.signInVerify} class="signature">
      <input type="hidden" name="address" value={m.address} />
      <input type="hidden" name="message" value={m.message} />
      <input type="hidden" name="next" value={next} />
      <p>
        Sign this message with the key of <code safe>{m.address}</code>, exactly as it is (line breaks included), before{" "}
        <span safe>{m.expiresAt.slice(0, 16).replace("T", " ")}</span> UTC.
      </p>
      <div class="field">
        <label for="sign-message">Message to sign</label>
        <div class="command">
          <textarea id="sign-message" readonly rows="9" spellcheck="false" safe>
            {m.message}
          </textarea>
          <button type="button" class="button" data-copy="sign-message">
            <span data-copy-done="">Copy</span>
          </button>
        </div>
      </div>
      <details>
        <summary>Signing with a script or a tool that signs sign docs</summary>
        <p class="hint">
          ADR-36 wraps the message in this Amino sign doc (empty chain id, account number and sequence 0, no fee), so the signature can
          never be a transaction. cosmjs signs it with <code>wallet.signAmino(address, signDoc)</code>; paste the <code>signature</code>{" "}
          object it returns.
        </p>
        <pre class="sign-doc" safe>
          {m.signDoc}
        </pre>
      </details>
      <div class={m.error ? "field has-error" : "field"}>
        <label for="signature">Signature</label>
        <p class="hint" id="signature-hint">
          Paste what your wallet or tool returned: JSON with <code>pub_key</code> and <code>signature</code>, as Keplr&apos;s and Leap&apos;s
          signArbitrary give it.
        </p>
        <textarea id="signature" name="signature" rows="5" spellcheck="false" required aria-describedby={m.error ? "signature-hint signature-error" : "signature-hint"} aria-invalid={m.error ? "true" : undefined} safe>
          {m.signature}
        </textarea>
        {m.error ? <FieldError id="signature-error" message={m.error} /> : ""}
      </div>
      <div class="actions">
        <button type="submit" class="button primary">
          Sign in
        </button>
        <a href={PORTAL_PAGES.signIn}>Use another address</a>
      </div>
    </form>
  );
}
