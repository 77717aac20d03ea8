import type { CheckStatus } from "../../protocol/index.ts";

const BADGES: Record<CheckStatus, { icon: string; text: string }> = {
  pass: { icon: "✓", text: "Pass" },
  warn: { icon: "!", text: "Warning" },
  fail: { icon: "✕", text: "Fail" },
};

/** StatusBadge shows a check's outcome with an icon and a word, never by colour alone. */
export function StatusBadge({ status }: { status: CheckStatus }): JSX.Element {
  const b = BADGES[status];
  return (
    <span class={`badge badge-${status}`}>
      <span aria-hidden="true" safe>
        {b.icon}
      </span>{" "}
      <span safe>{b.text}</span>
    </span>
  );
}

export type PillTone = "good" | "warn" | "bad" | "neutral";

/** Pill is a small coloured label with words in it, e.g. "Online" or "Not reachable". */
export function Pill({ tone, text }: { tone: PillTone; text: string }): JSX.Element {
  return (
    <span class={`pill pill-${tone}`} safe>
      {text}
    </span>
  );
}
