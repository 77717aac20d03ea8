// Money arithmetic for rewards. Lease prices are Cosmos DecCoins: a micro-unit amount per block with up to
// 18 decimals ("4.826603000000000000" uact). Every computation runs on bigint "fine units" of 10^-18 of a
// micro-unit, so a price × blocks product is exact and nothing is lost to floating point; only the rules
// that say where each remainder goes (see epoch-computation.ts) turn fine units into whole micro-units.

/** FINE_PER_MICRO is how many fine units make one micro-unit (1 uakt, 1 uact, 1 micro-USDC). */
export const FINE_PER_MICRO = 10n ** 18n;

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,18}))?$/;

/** parseMicro reads a decimal micro-unit amount ("48.26603", "1234", "-0.5") into fine units; throws on anything else. */
export function parseMicro(amount: string): bigint {
  const m = DECIMAL.exec(amount.trim());
  if (!m) throw new Error(`${JSON.stringify(amount)} is not a decimal amount with at most 18 decimals`);
  const fine = BigInt(m[2]!) * FINE_PER_MICRO + BigInt((m[3] ?? "").padEnd(18, "0"));
  return m[1] === "-" ? -fine : fine;
}

/** formatMicro writes fine units as a decimal micro-unit amount, without trailing zeros ("48.26603", "1234"). */
export function formatMicro(fine: bigint): string {
  const negative = fine < 0n;
  const abs = negative ? -fine : fine;
  const whole = abs / FINE_PER_MICRO;
  const frac = (abs % FINE_PER_MICRO).toString().padStart(18, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** wholeMicro is the whole micro-units of a non-negative fine amount, as fine units (rounded down). */
export function wholeMicro(fine: bigint): bigint {
  return fine - (fine % FINE_PER_MICRO);
}

/** mulDivFloor is ⌊a × b ÷ c⌋ for non-negative a, b and positive c. */
export function mulDivFloor(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

/** sum adds bigints. */
export function sum(values: Iterable<bigint>): bigint {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}
