import type { HardwareSummary } from "../../protocol/index.ts";
import { formatGiB, formatMiBAsGiB } from "../kit/index.ts";

/** hardwareLine says what a machine has in one line: "16 cores · 64 GiB · RTX 4090 (24 GiB)". */
export function hardwareLine(h: HardwareSummary | null): string {
  if (!h) return "not reported";
  const parts = [`${h.cpuCores} cores`, formatGiB(h.memoryBytes)];
  const gpus = new Map<string, number>();
  for (const g of h.gpus) {
    const name = `${g.name} (${formatMiBAsGiB(g.vramMiB)})${g.supported ? "" : ", not offered"}`;
    gpus.set(name, (gpus.get(name) ?? 0) + 1);
  }
  for (const [name, n] of gpus) parts.push(n > 1 ? `${n}× ${name}` : name);
  return parts.join(" · ");
}
