import { Layout, MessageAlert, MessageCard, type AssetUrls } from "../kit/index.ts";

export interface MessagePageProps {
  assets: AssetUrls;
  signedIn: boolean;
  title: string;
  message: string;
  /** What the owner can do now; plain text. */
  next: string | null;
  link: { href: string; label: string } | null;
}

/** MessagePage is a page with one thing to say: not found, refused, or something broke. Never a stack trace. */
export function MessagePage(p: MessagePageProps): JSX.Element {
  return (
    <Layout title={p.title} assets={p.assets} signedIn={p.signedIn}>
      <MessageCard title={p.title} message={p.message} fix={p.next} link={p.link} />
    </Layout>
  );
}

/** MessageFragment is the same message for an htmx request, small enough to replace a partial. */
export function MessageFragment(p: Pick<MessagePageProps, "title" | "message" | "next">): JSX.Element {
  return <MessageAlert title={p.title} message={p.message} fix={p.next} />;
}
