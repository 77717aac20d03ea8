import { Layout, sentence, type AssetUrls } from "../kit/index.ts";

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
      <section class="card message">
        <h1 safe>{p.title}</h1>
        <p safe>{sentence(p.message)}</p>
        {p.next ? <p safe>{sentence(p.next)}</p> : ""}
        {p.link ? (
          <p>
            <a class="button primary" href={p.link.href} safe>
              {p.link.label}
            </a>
          </p>
        ) : (
          ""
        )}
      </section>
    </Layout>
  );
}

/** MessageFragment is the same message for an htmx request, small enough to replace a partial. */
export function MessageFragment(p: Pick<MessagePageProps, "title" | "message" | "next">): JSX.Element {
  return (
    <div class="alert alert-error" role="alert">
      <p class="alert-title" safe>
        {p.title}
      </p>
      <p safe>{sentence(p.message)}</p>
      {p.next ? <p safe>{sentence(p.next)}</p> : ""}
    </div>
  );
}
