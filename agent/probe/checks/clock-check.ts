import type { Check } from "../../../protocol/checks.ts";
import type { ClockSync } from "../clock-sync.ts";
import { checkOf } from "./check-builder.ts";

/** clock-sync: signed requests and join tokens are valid for minutes, so a drifting clock breaks joining. */
export function clockCheck(clock: ClockSync): Check {
  const c = checkOf("clock-sync", "Clock synchronised", false);
  const fix = "Turn on time synchronisation: sudo timedatectl set-ntp true (or install chrony or systemd-timesyncd).";
  if (clock.synced === true) return c.pass(`The clock is synchronised with NTP (${clock.source}).`);
  if (clock.synced === false) {
    return c.warn(`The clock is not synchronised with NTP (${clock.source}); if it drifts by minutes, the registry refuses this device's requests.`, fix);
  }
  return c.warn("Could not tell whether the clock is synchronised: neither timedatectl, systemd-timesyncd nor chrony answered.", fix);
}
