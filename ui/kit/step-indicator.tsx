/**
 * StepItem is one step in the indicator: done, the page being shown (current), the furthest step reached
 * when the owner looks back at an earlier one (reached), or not yet open (upcoming, href null).
 */
export interface StepItem {
  label: string;
  href: string | null;
  state: "done" | "current" | "reached" | "upcoming";
}

/** StepIndicator lists the wizard's steps; finished ones link back so the owner can change an answer. */
export function StepIndicator({ items }: { items: StepItem[] }): JSX.Element {
  const currentIndex = items.findIndex((i) => i.state === "current");
  const current = items[currentIndex];
  return (
    <nav class="steps" aria-label="Setup steps">
      {current ? (
        <p class="steps-summary" safe>
          {`Step ${currentIndex + 1} of ${items.length}: ${current.label}`}
        </p>
      ) : (
        ""
      )}
      <ol>
        {items.map((item, i) => {
          const inner = (
            <>
              <span class="step-num" aria-hidden="true" safe>
                {item.state === "done" ? "✓" : String(i + 1)}
              </span>
              <span class="step-label" safe>
                {item.label}
              </span>
            </>
          );
          return (
            <li class={`step step-${item.state}`} aria-current={item.state === "current" ? "step" : undefined}>
              {item.href && item.state !== "current" ? <a href={item.href}>{inner}</a> : <span class="step-inner">{inner}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
