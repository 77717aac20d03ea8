import type { EarningsStatement, LedgerLine } from "../../protocol/index.ts";

// Which ledger lines make up a number on the earnings page. Gross, fee and net are the sums of the credit
// lines (each names the device that earned it and carries its gross, fee and net); pending is the credits
// of epochs not yet paid, settled the credits of paid epochs and the payouts that paid them.

export type Figure = "gross" | "fee" | "net" | "pending" | "settled";

export interface SelectionQuery {
  show: Figure;
  denom: string | null;
  device: string | null;
  epoch: number | null;
}

const CREDITS = new Set<LedgerLine["kind"]>(["usage_credit", "availability_credit"]);

/** parseFigure reads ?show=, or null for anything else. */
export function parseFigure(value: string | null): Figure | null {
  return value === "gross" || value === "fee" || value === "net" || value === "pending" || value === "settled" ? value : null;
}

/** selectLines returns the statement's lines behind one figure, at most limit of them, and how many more there are. */
export function selectLines(statement: EarningsStatement, q: SelectionQuery, limit: number): { lines: LedgerLine[]; more: number } {
  const settledEpochs = new Set(statement.epochs.filter((e) => e.settled && (q.denom === null || e.denom === q.denom)).map((e) => e.epochId));
  const picked = statement.lines.filter((l) => {
    if (q.denom !== null && l.denom !== q.denom) return false;
    if (q.epoch !== null && l.epochId !== q.epoch) return false;
    if (q.device !== null && l.device !== q.device) return false;
    if (q.show === "settled" && l.kind === "payout") return q.device === null && l.amount.startsWith("-");
    if (!CREDITS.has(l.kind)) return false;
    if (q.show === "pending") return l.epochId === null || !settledEpochs.has(l.epochId);
    if (q.show === "settled") return l.epochId !== null && settledEpochs.has(l.epochId);
    return true;
  });
  return { lines: picked.slice(0, limit), more: Math.max(0, picked.length - limit) };
}
