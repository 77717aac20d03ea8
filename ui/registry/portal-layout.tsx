import type { Children } from "@kitajs/html";
import { PORTAL_PAGES } from "../../protocol/index.ts";
import { DocumentHead, SiteHeader } from "../kit/index.ts";
import type { PortalAssetUrls } from "./portal-assets.ts";

/** PortalContext is what every registry page needs besides its own data. */
export interface PortalContext {
  assets: PortalAssetUrls;
  /** The signed-in owner, or null on public pages and for visitors. */
  session: { address: string; operator: boolean } | null;
  /** The registry's version, for the footer. */
  version: string;
}

export type NavItem = "network" | "devices" | "add" | "earnings" | "admin" | "sign-in" | null;

export interface PortalLayoutProps {
  ctx: PortalContext;
  title: string;
  nav: NavItem;
  /** Wide pages (tables with many columns) use more of a desktop screen. */
  wide?: boolean;
  children?: Children;
}

/** shortAddress keeps an address recognisable in a narrow header: akash1abcd…wxyz. */
export function shortAddress(address: string): string {
  return address.length > 16 ? `${address.slice(0, 10)}…${address.slice(-4)}` : address;
}

function NavLink({ href, item, current, label }: { href: string; item: NavItem; current: NavItem; label: string }): JSX.Element {
  return (
    <a href={href} aria-current={item === current ? "page" : undefined} safe>
      {label}
    </a>
  );
}

/** PortalLayout is the document around every registry page: head, header with navigation and account, main, footer. */
export function PortalLayout(p: PortalLayoutProps): JSX.Element {
  const a = p.ctx.assets;
  const s = p.ctx.session;
  const wrap = p.wide ? "wrap wrap-wide" : "wrap";
  return (
    "<!doctype html>" +
    (
      <html lang="en">
        <DocumentHead title={p.title} assets={a}>
          <link rel="stylesheet" href={a.portalCss} />
          <script src={a.portalJs} defer></script>
        </DocumentHead>
        <body hx-boost="true">
          <SiteHeader home={PORTAL_PAGES.network} icon={a.icon} wide>
            <nav class="portal-nav" aria-label="Main">
              <NavLink href={PORTAL_PAGES.network} item="network" current={p.nav} label="Network" />
              {s ? (
                <>
                  <NavLink href={PORTAL_PAGES.devices} item="devices" current={p.nav} label="My devices" />
                  <NavLink href={PORTAL_PAGES.addDevice} item="add" current={p.nav} label="Add a device" />
                  <NavLink href={PORTAL_PAGES.earnings} item="earnings" current={p.nav} label="Earnings" />
                  {s.operator ? <NavLink href={PORTAL_PAGES.admin} item="admin" current={p.nav} label="Operators" /> : ""}
                </>
              ) : (
                <NavLink href={PORTAL_PAGES.devices} item="sign-in" current={p.nav} label="Owner portal" />
              )}
            </nav>
            {s ? (
              <div class="account">
                <code class="address-short" title={s.address} safe>
                  {shortAddress(s.address)}
                </code>
                <form method="post" action={PORTAL_PAGES.signOut} class="signout" hx-boost="false">
                  <button type="submit" class="button-link">
                    Sign out
                  </button>
                </form>
              </div>
            ) : (
              ""
            )}
          </SiteHeader>
          <main id="main" class={wrap} tabindex="-1">
            {p.children}
          </main>
          <footer class="site-footer">
            <div class={wrap}>
              <p safe>{`Akash at Home registry ${p.ctx.version}. Devices join regional clusters from homes; nothing here shows where a home is.`}</p>
            </div>
          </footer>
        </body>
      </html>
    )
  );
}
