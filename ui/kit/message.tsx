import { sentence } from "./alert.tsx";

/** MessageProps is a page's one thing to say: not found, refused, or something broke; never a stack trace. */
export interface MessageProps {
  title: string;
  message: string;
  /** What to do now; plain text. */
  fix: string | null;
  link?: { href: string; label: string } | null;
}

/** MessageCard is the body of a message page; each app puts it in its own layout. */
export function MessageCard(p: MessageProps): JSX.Element {
  return (
    <section class="card message">
      <h1 safe>{p.title}</h1>
      <p safe>{sentence(p.message)}</p>
      {p.fix ? <p safe>{sentence(p.fix)}</p> : ""}
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
  );
}

/** MessageAlert is the same message for an htmx request, small enough to replace a partial. */
export function MessageAlert(p: Pick<MessageProps, "title" | "message" | "fix">): JSX.Element {
  return (
    <div class="alert alert-error" role="alert">
      <p class="alert-title" safe>
        {p.title}
      </p>
      <p safe>{sentence(p.message)}</p>
      {p.fix ? <p safe>{sentence(p.fix)}</p> : ""}
    </div>
  );
}
