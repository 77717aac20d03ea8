import type { Children } from "@kitajs/html";

/** StatList is a row of big numbers (wrapping on a phone), each a Stat; label names the row for screen readers. */
export function StatList({ label, children }: { label: string; children?: Children }): JSX.Element {
  return (
    <ul class="stats" aria-label={label}>
      {children}
    </ul>
  );
}

/** Stat is one big number and what it counts: value is text; children replace it with markup (a link, a meter). */
export function Stat({ value, label, children }: { value?: string; label: string; children?: Children }): JSX.Element {
  return (
    <li class="stat">
      {value !== undefined ? (
        <span class="stat-value" safe>
          {value}
        </span>
      ) : (
        <span class="stat-value">{children}</span>
      )}
      <span class="stat-label" safe>
        {label}
      </span>
    </li>
  );
}
