import { THRESHOLDS } from "../config/thresholds.ts";
import type { ProbeSources } from "./sources.ts";

// Whether the clock is kept in time by NTP. Signed requests to the registry and join tokens expire in
// minutes, so a clock that drifts makes joining fail with errors that do not say "clock".

export interface ClockSync {
  /** null: no tool we know could tell. */
  synced: boolean | null;
  source: "timedatectl" | "systemd-timesyncd" | "chrony" | null;
}

export async function readClockSync(sources: ProbeSources): Promise<ClockSync> {
  const timeout = THRESHOLDS.commandTimeoutMs;
  const timedatectl = await sources.which("timedatectl");
  if (timedatectl) {
    const r = await sources.run([timedatectl, "show", "--property=NTPSynchronized", "--value"], timeout);
    const answer = r.stdout.trim();
    // timedatectl fails without systemd as PID 1 or without D-Bus; then ask the daemons below.
    if (r.code === 0 && (answer === "yes" || answer === "no")) return { synced: answer === "yes", source: "timedatectl" };
  }
  // systemd-timesyncd touches this file once it has synchronised.
  if (await sources.exists("/run/systemd/timesync/synchronized")) return { synced: true, source: "systemd-timesyncd" };
  const chronyc = await sources.which("chronyc");
  if (chronyc) {
    const r = await sources.run([chronyc, "-n", "tracking"], timeout);
    const leap = /^Leap status\s*:\s*(.+)$/m.exec(r.stdout)?.[1]?.trim();
    if (r.code === 0 && leap) return { synced: leap !== "Not synchronised", source: "chrony" };
  }
  return { synced: null, source: null };
}
