import * as v from "valibot";
import { BenchResult, RegionRtt } from "./bench.ts";
import { DeviceView } from "./device-state.ts";
import { Hardware } from "./hardware.ts";
import { ShareSettings } from "./share.ts";

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `at most ${max} characters`));

/** ClaimCodeText is a claim code as an owner types it: letters and digits, dashes and spaces ignored. */
export const ClaimCodeText = v.pipe(v.string(), v.trim(), v.minLength(4, "a claim code has at least 4 characters"), v.maxLength(64, "a claim code has at most 64 characters"));

/**
 * CheckInRequest registers the signing key with the registry (a signed request, so the key in the headers
 * is proven). A device that is already registered may leave claimCode null: check-in is also how it
 * refreshes its hardware, benchmark and round-trip times.
 */
export const CheckInRequest = v.object({
  protocolVersion: v.number(),
  claimCode: v.nullable(ClaimCodeText),
  /** Hex SHA-256 of /etc/machine-id with a fixed prefix: recognises reinstalls without revealing the id. */
  machineIdHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "a hex SHA-256")),
  hostname: text(253),
  agentVersion: text(64),
  hardware: Hardware,
  bench: v.nullable(BenchResult),
  rtts: v.pipe(v.array(RegionRtt), v.maxLength(500, "at most 500 region measurements")),
  share: v.nullable(ShareSettings),
  /** "auto" (nearest by round trip) or a region id the owner picked. */
  regionChoice: text(64),
});
export type CheckInRequest = v.InferOutput<typeof CheckInRequest>;

/** DeviceSession is a short-lived credential for telemetry, obtained by a signed request. */
export const DeviceSession = v.object({ token: v.string(), expiresAt: v.string() });
export type DeviceSession = v.InferOutput<typeof DeviceSession>;

/** CheckInResponse is the registry's decision plus a session to send telemetry with. */
export const CheckInResponse = v.object({ device: DeviceView, session: DeviceSession });
export type CheckInResponse = v.InferOutput<typeof CheckInResponse>;
