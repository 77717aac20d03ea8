import type { ShareSettings } from "../../protocol/index.ts";

/** shareLines says in words what a ShareSettings offers, for the join summary and the dashboard. */
export function shareLines(share: ShareSettings): { label: string; value: string }[] {
  return [
    { label: "Processor", value: `${share.cpuCores} ${share.cpuCores === 1 ? "thread" : "threads"}` },
    { label: "Memory", value: `${share.memoryGiB} GiB` },
    { label: "Graphics cards", value: share.gpus.length ? `${share.gpus.length} shared` : "none" },
    { label: "When", value: share.hours ? `${share.hours.from} to ${share.hours.to}` : "always" },
  ];
}
