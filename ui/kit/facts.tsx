import type { Children } from "@kitajs/html";

/** Facts is a list of labelled facts, label beside value on a wide screen and above it on a phone. */
export function Facts({ children }: { children?: Children }): JSX.Element {
  return <dl class="facts">{children}</dl>;
}

/** Fact is one labelled fact: value is text; children replace it with markup (code, a link). */
export function Fact({ label, value, children }: { label: string; value?: string; children?: Children }): JSX.Element {
  return (
    <div>
      <dt safe>{label}</dt>
      {value !== undefined ? <dd safe>{value}</dd> : <dd>{children}</dd>}
    </div>
  );
}
