import type { Children } from "@kitajs/html";

/** EmptyState stands where a list or panel has nothing yet: what is missing, then (children) what happens next. */
export function EmptyState({ title, children }: { title: string; children?: Children }): JSX.Element {
  return (
    <div class="empty">
      <p>
        <strong safe>{title}</strong>
      </p>
      {children ?? ""}
    </div>
  );
}
