/** LoadMeter draws how full a region is: devices holding a place against its limit; full regions stand out. */
export function LoadMeter({ placed, capacity }: { placed: number; capacity: number }): JSX.Element {
  const share = capacity > 0 ? Math.min(1, placed / capacity) : 0;
  return (
    <svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
      <rect class="meter-track" x="0" y="0" width="100" height="6" rx="3" />
      <rect class={share >= 1 ? "meter-fill full" : "meter-fill"} x="0" y="0" width={String(Math.round(share * 1000) / 10)} height="6" rx="3" />
    </svg>
  );
}
