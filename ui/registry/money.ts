// Amounts as owners read them: the ledger keeps micro-units as decimal strings ("48.26603" uakt); the
// pages show whole units with six decimals ("0.000048 AKT"), computed on the digits so no float rounds them.

const NAMES: Record<string, string> = {
  uakt: "AKT",
  uact: "ACT",
  "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1": "USDC",
};

/** unitName names a denomination: AKT, ACT, USDC, or the denomination itself. */
export function unitName(denom: string): string {
  return NAMES[denom] ?? denom;
}

/** microToUnits turns a micro-unit decimal ("-1234567.89") into units with six decimals ("-1.234567"). */
export function microToUnits(micro: string): string {
  const m = /^(-?)(\d+)(?:\.\d+)?$/.exec(micro.trim());
  if (!m) return micro;
  const digits = m[2]!.replace(/^0+(?=\d)/, "").padStart(7, "0");
  const whole = digits.slice(0, -6).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = digits.slice(-6);
  const zero = /^0+$/.test(m[2]!);
  return `${m[1] && !zero ? "-" : ""}${whole}.${frac}`;
}

/** formatAmount shows a micro-unit amount in units with its name: "1.234567 AKT". */
export function formatAmount(micro: string, denom: string): string {
  return `${microToUnits(micro)} ${unitName(denom)}`;
}

/** microNumber reads a micro-unit amount as a number, for chart heights only (never for a shown number). */
export function microNumber(micro: string): number {
  const n = Number(micro);
  return Number.isFinite(n) ? n : 0;
}
