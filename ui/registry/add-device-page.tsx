import { PORTAL_PAGES, pagePath, type ClaimCode } from "../../protocol/index.ts";
import { Alert, DataTable, formatWhen, InputField, selfPolling } from "../kit/index.ts";
import { PortalLayout, type PortalContext } from "./portal-layout.tsx";
import { QrCode } from "./qr-code.tsx";

export interface AddDevicePageProps {
  ctx: PortalContext;
  /** The code just made, with its QR code's modules; null before one is made. */
  made: { code: ClaimCode; qr: boolean[][]; status: ClaimStatusProps } | null;
  recent: ClaimCode[];
  label: string;
  labelError: string | null;
  /** When now is, so the page can say which codes expired. */
  now: string;
}

/** ClaimStatusProps is what the waiting panel knows about a code: unused, used (by which device), or expired. */
export interface ClaimStatusProps {
  code: string;
  expiresAt: string;
  expired: boolean;
  device: { id: string; name: string } | null;
}

/** ClaimStatus polls until the device that uses the code checks in, then links to it. */
export function ClaimStatus(p: ClaimStatusProps): JSX.Element {
  if (p.device) {
    return (
      <div id="claim-status" class="alert alert-success" role="status">
        <p class="alert-title">Your device checked in</p>
        <p>
          <a href={pagePath(PORTAL_PAGES.device, { id: p.device.id })} safe>
            {`Open ${p.device.name || p.device.id}`}
          </a>{" "}
          to follow it joining its region.
        </p>
      </div>
    );
  }
  if (p.expired) {
    return (
      <div id="claim-status" class="alert alert-warning" role="status">
        <p class="alert-title">This code expired unused</p>
        <p>Make a new one below; each code works once, for a day.</p>
      </div>
    );
  }
  return (
    <div id="claim-status" class="working" role="status" {...selfPolling(pagePath(PORTAL_PAGES.claimStatus, { code: p.code }), 3000)}>
      <span class="spinner" aria-hidden="true"></span>
      <div>
        <p class="working-title">Waiting for the device to check in…</p>
        <p class="muted small" safe>{`This page updates by itself. The code works once, until ${formatWhen(p.expiresAt)}.`}</p>
      </div>
    </div>
  );
}

function codeStatus(c: ClaimCode, now: string): string {
  if (c.usedAt) return `used ${formatWhen(c.usedAt)}`;
  if (c.expiresAt <= now) return "expired unused";
  return `unused, works until ${formatWhen(c.expiresAt)}`;
}

/** AddDevicePage makes a claim code and shows the one command that installs and claims a device with it. */
export function AddDevicePage(p: AddDevicePageProps): JSX.Element {
  const m = p.made;
  return (
    <PortalLayout ctx={p.ctx} title="Add a device" nav="add">
      <div class="page-head">
        <h1>Add a device</h1>
        <p class="lead">
          A claim code ties the next device that uses it to your address. Run the install command on the computer you want to share
          (64-bit Linux with systemd); it installs the agent, checks the machine and joins the nearest region with room.
        </p>
      </div>
      {m ? (
        <section class="card" aria-labelledby="command-title">
          <h2 id="command-title">Run this on the computer</h2>
          <p>
            Claim code <span class="claim-code" safe>{m.code.code}</span>
            {m.code.label ? <span class="muted" safe>{` (${m.code.label})`}</span> : ""}
          </p>
          <div class="field">
            <label for="install-command">Install command</label>
            <div class="command">
              <textarea id="install-command" readonly rows="3" spellcheck="false" safe>
                {m.code.installCommand}
              </textarea>
              <button type="button" class="button" data-copy="install-command">
                <span data-copy-done="">Copy</span>
              </button>
            </div>
            <p class="hint">
              It asks for your password (sudo) to install the service. The claim code travels in the environment, so it does not show in the
              computer&apos;s process list.
            </p>
          </div>
          <div class="split">
            <ol class="next-steps">
              <li>Open a terminal on the computer (or SSH into it) and paste the command.</li>
              <li>The agent checks the hardware, runs a short benchmark and checks in here with the code.</li>
              <li>The device shows up in your list and joins its region; no port forwarding is needed.</li>
            </ol>
            <figure class="qr-figure">
              <QrCode modules={m.qr} label={`QR code of the install command for claim code ${m.code.code}`} />
              <figcaption class="small muted">Scan to carry the command on a phone, e.g. to send it to the computer.</figcaption>
            </figure>
          </div>
          <ClaimStatus {...m.status} />
        </section>
      ) : (
        ""
      )}
      <section class="card" aria-labelledby="make-title">
        <h2 id="make-title">{m ? "Make another code" : "Make a claim code"}</h2>
        <form method="post" action={PORTAL_PAGES.claimCodes}>
          <InputField name="label" label="Label (optional)" hint="A name to tell codes apart, e.g. the computer's. Only you see it." value={p.label} error={p.labelError} autocomplete="off" />
          <div class="actions">
            <button type="submit" class="button primary">
              Make a claim code
            </button>
          </div>
        </form>
      </section>
      {p.recent.length > 0 ? (
        <section class="card" aria-labelledby="codes-title">
          <h2 id="codes-title">Your recent codes</h2>
          <DataTable
            columns={[
              { label: "Code", cell: (c) => <code safe>{c.code}</code> },
              { label: "Label", text: (c) => c.label ?? "—" },
              { label: "Made", text: (c) => formatWhen(c.createdAt) },
              {
                label: "Status",
                cell: (c) =>
                  c.usedByDevice ? (
                    <a href={pagePath(PORTAL_PAGES.device, { id: c.usedByDevice })} safe>
                      {codeStatus(c, p.now)}
                    </a>
                  ) : (
                    <span safe>{codeStatus(c, p.now)}</span>
                  ),
              },
            ]}
            rows={p.recent}
          />
        </section>
      ) : (
        <Alert tone="info" title="Nothing to install yet">
          <p>Make a claim code above; the command to run appears here with a QR code of it.</p>
        </Alert>
      )}
    </PortalLayout>
  );
}
