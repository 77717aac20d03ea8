import { MessageCard, type MessageProps } from "../kit/index.ts";
import { PortalLayout, type NavItem, type PortalContext } from "./portal-layout.tsx";

export interface PortalMessageProps extends MessageProps {
  ctx: PortalContext;
  nav?: NavItem;
}

/** PortalMessagePage is a registry page with one thing to say: not found, refused, or something broke. */
export function PortalMessagePage(p: PortalMessageProps): JSX.Element {
  return (
    <PortalLayout ctx={p.ctx} title={p.title} nav={p.nav ?? null}>
      <MessageCard title={p.title} message={p.message} fix={p.fix} link={p.link} />
    </PortalLayout>
  );
}
