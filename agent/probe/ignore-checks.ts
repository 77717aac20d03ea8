import type { Check } from "../../protocol/checks.ts";

// As kubeadm's --ignore-preflight-errors: an owner who knows better (a disk they will grow, a test rig)
// can let a failing check pass. The check stays visible as a warning that says it was ignored; the
// registry still judges the device by its own measurements.

/** ignoreChecks turns the failing checks named in ids into warnings; "all" ignores every check. */
export function ignoreChecks(checks: Check[], ids: readonly string[]): Check[] {
  if (ids.length === 0) return checks;
  const all = ids.includes("all");
  return checks.map((c) =>
    c.status === "fail" && (all || ids.includes(c.id))
      ? { ...c, status: "warn", message: `${c.message} (ignored by --ignore-checks)` }
      : c,
  );
}

/** parseCheckIds reads "disk-images,swap" into ids. */
export function parseCheckIds(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
