import type { AgentStatus } from "../../protocol/index.ts";

const PHASE_TEXT: Record<AgentStatus["phase"], string> = {
  setup: "not set up yet",
  waitlisted: "on the waitlist for its area",
  "pending-approval": "waiting for the region's operator to approve it",
  joining: "joining its region",
  online: "online",
  paused: "paused (no new workloads)",
  offline: "offline",
  left: "left the network",
};

/** standingLines say what the registry decided, when it has been asked. */
function standingLines(s: AgentStatus): string[] {
  const v = s.standing;
  if (!v) return [];
  const lines = [`Registry view: ${v.state.replace("_", " ")}: ${v.message}`];
  if (v.waitlist) lines.push(`Waitlist:  area ${v.waitlist.area}, position ${v.waitlist.position} of ${v.waitlist.waiting}; ${v.waitlist.reason}${v.waitlist.readyToBootstrap ? " (the area is ready for a new region)" : ""}`);
  if (s.telemetry) lines.push(`Telemetry: ${s.telemetry.queued} queued${s.telemetry.dropped ? `, ${s.telemetry.dropped} dropped while the registry was unreachable` : ""}${s.telemetry.lastSentAt ? `, last sent ${s.telemetry.lastSentAt}` : ""}${s.telemetry.lastError ? ` (last error: ${s.telemetry.lastError})` : ""}`);
  return lines;
}

/** statusText renders an AgentStatus for people, one fact per line. */
export function statusText(s: AgentStatus, setupCode?: string | null): string {
  const registry = s.registry.url
    ? `${s.registry.url}${s.registry.reachable === false ? ` (not reachable: ${s.registry.error})` : s.registry.reachable ? " (reachable)" : ""}`
    : "not set";
  const lines = [
    `Device:    ${s.deviceId}`,
    `State:     ${PHASE_TEXT[s.phase]}${s.phase === "setup" ? ` (next step: ${s.setupStep})` : ""}`,
    `Registry:  ${registry}`,
    `Owner:     ${s.owner ?? (s.claimed ? "claim code given, not yet confirmed" : "not claimed")}`,
    `Region:    ${s.region ? `${s.region.name} (${s.region.id})` : "not assigned"}`,
    ...standingLines(s),
    `Checks:    ${s.doctor ? (s.doctor.ready ? `ready (${s.doctor.warnings} warnings)` : `${s.doctor.failing} failing`) : "not run"}`,
    `Benchmark: ${s.bench ? `${Math.round(s.bench.singleCore)} single / ${Math.round(s.bench.multiCore)} multi-core (${s.bench.quick ? "quick" : "full"})` : "not run"}`,
    `Page:      ${s.pageUrl}`,
  ];
  if (setupCode) lines.push(`Setup code: ${setupCode}`);
  for (const n of s.notices) lines.push(`Notice:    ${n}`);
  lines.push(`Agent:     ${s.version} (${s.commit})`);
  return lines.join("\n") + "\n";
}
