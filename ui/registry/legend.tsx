/** Legend names a chart's colours: each entry is a swatch class (key-1, up-online, …) and its words. */
export function Legend({ entries }: { entries: readonly { swatch: string; label: string }[] }): JSX.Element {
  return (
    <ul class="legend" aria-hidden="true">
      {entries.map((e) => (
        <li>
          <span class={`swatch ${e.swatch}`}></span>
          <span safe>{e.label}</span>
        </li>
      ))}
    </ul>
  );
}
