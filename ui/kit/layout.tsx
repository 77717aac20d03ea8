import type { Children } from "@kitajs/html";
import type { AssetUrls } from "./asset-urls.ts";
import { htmxConfigJson } from "./htmx-config.ts";

export interface LayoutProps {
  /** The page's own title; the product name is added. */
  title: string;
  assets: AssetUrls;
  /** Shows "Sign out" when this browser holds a session. */
  signedIn: boolean;
  /** Footer line, e.g. the agent's version; plain text. */
  footer?: string | null;
  /**
   * While something runs, browsers without JavaScript reload the page every refreshSeconds; with
   * JavaScript the htmx partials poll instead and this does nothing.
   */
  refreshSeconds?: number | null;
  children?: Children;
}

/**
 * DocumentHead is every page's head: charset, viewport, colour scheme, htmx settings, the title, the icon,
 * the kit's stylesheet and htmx; children add what one family of pages loads besides (after the kit's).
 */
export function DocumentHead({ title, assets, children }: { title: string; assets: AssetUrls; children?: Children }): JSX.Element {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <meta name="referrer" content="same-origin" />
      <meta name="htmx-config" content={htmxConfigJson} />
      <title safe>{`${title} · Akash at Home`}</title>
      <link rel="icon" type="image/svg+xml" href={assets.icon} />
      <link rel="stylesheet" href={assets.css} />
      <script src={assets.htmx} defer></script>
      {children ?? ""}
    </head>
  );
}

/**
 * SiteHeader is what every page's body opens with: the link that skips to the content, then the header
 * with the brand linking home; children (navigation, the account) follow the brand.
 */
export function SiteHeader({ home, icon, wide, children }: { home: string; icon: string; wide?: boolean; children?: Children }): JSX.Element {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <div class={wide ? "wrap wrap-wide site-header-inner" : "wrap site-header-inner"}>
          <a class="brand" href={home}>
            <img src={icon} alt="" width="28" height="28" />
            <span>Akash at Home</span>
          </a>
          {children ?? ""}
        </div>
      </header>
    </>
  );
}

/** Layout is the whole HTML document around a page: head, header, main and footer. */
export function Layout(props: LayoutProps): JSX.Element {
  return (
    "<!doctype html>" +
    (
      <html lang="en">
        <DocumentHead title={props.title} assets={props.assets}>
          {props.refreshSeconds ? (
            <noscript>
              <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
            </noscript>
          ) : (
            ""
          )}
        </DocumentHead>
        <body hx-boost="true">
          <SiteHeader home="/" icon={props.assets.icon}>
            {props.signedIn ? (
              <form method="post" action="/signout" class="signout">
                <button type="submit" class="button-link">
                  Sign out
                </button>
              </form>
            ) : (
              ""
            )}
          </SiteHeader>
          <main id="main" class="wrap" tabindex="-1">
            {props.children}
          </main>
          <footer class="site-footer">
            <div class="wrap">
              <p>
                This page is served by the agent on this computer and is reachable only from it.
                {props.footer ? <span safe>{` ${props.footer}`}</span> : ""}
              </p>
            </div>
          </footer>
        </body>
      </html>
    )
  );
}
