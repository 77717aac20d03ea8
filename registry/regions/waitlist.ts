// registry/regions: the waitlist rules, pure. Which threshold an area has, when an area is ready to
// bootstrap a region, and where a device stands in its area's line. The devices repository counts; this
// file only says what to count. No I/O, no other domain.
import type { RegistryConfig } from "../config/registry-config.ts";

export type WaitlistSettings = RegistryConfig["waitlist"];

/** thresholdFor is how many waiting devices make area ready to bootstrap: its own figure, else the default. */
export function thresholdFor(settings: WaitlistSettings, area: string): number {
  return Object.hasOwn(settings.areas, area) ? settings.areas[area]! : settings.defaultThreshold;
}

export interface AreaReadiness {
  waiting: number;
  threshold: number;
  /** Operators are told the area has enough devices waiting to start a region there. */
  readyToBootstrap: boolean;
}

export function areaReadiness(waiting: number, threshold: number): AreaReadiness {
  return { waiting, threshold, readyToBootstrap: waiting >= threshold };
}

/** WaitingDevice is one device in an area's line. */
export interface WaitingDevice {
  deviceId: string;
  area: string;
  /** When it was waitlisted, ms since the epoch. */
  waitlistedAt: number;
}

/**
 * isAheadInLine says whether other was waitlisted before device in the same area; equal times go by
 * device id, so every device has a distinct position. In SQL: same area AND (waitlisted_at < $at OR
 * (waitlisted_at = $at AND id < $id)).
 */
export function isAheadInLine(other: WaitingDevice, device: WaitingDevice): boolean {
  if (other.area !== device.area || other.deviceId === device.deviceId) return false;
  return other.waitlistedAt < device.waitlistedAt || (other.waitlistedAt === device.waitlistedAt && other.deviceId < device.deviceId);
}

/** waitlistPosition is 1 + the devices ahead of device in its area's line; 1 is next. */
export function waitlistPosition(device: WaitingDevice, waiting: Iterable<WaitingDevice>): number {
  let ahead = 0;
  for (const other of waiting) if (isAheadInLine(other, device)) ahead++;
  return ahead + 1;
}
