// Kubernetes resource quantities ("500m", "2", "128Mi", "1.5G", "1e3") as numbers, for the pod requests the
// registry attributes to devices. Exact enough for accounting: values stay well inside double precision.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** parseQuantity reads a quantity in base units (cores, bytes, devices); null when it is not one. */
export function parseQuantity(text: string | number | undefined | null): number | null {
  if (typeof text === "number") return Number.isFinite(text) ? text : null;
  if (typeof text !== "string") return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text.trim());
  if (!m) return null;
  const [, digits, exponent, suffix] = m;
  const value = Number(digits) * (exponent ? 10 ** Number(exponent.slice(1)) : (BINARY[suffix ?? ""] ?? DECIMAL[suffix ?? ""]!));
  return Number.isFinite(value) ? value : null;
}
