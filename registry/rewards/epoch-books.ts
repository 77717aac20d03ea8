import { attributeLeases, type EpochWindow, type LeaseUsage } from "./attribution.ts";
import { computeAvailability, type DeviceAvailability } from "./availability.ts";
import { computeEpoch, type EpochComputation } from "./epoch-computation.ts";
import type { RewardPolicy } from "./policy.ts";
import type { DeviceFacts, Interval, LeaseRecord, PodInterval } from "./ports.ts";

// The whole of an epoch's close as one pure step: availability verdicts, lease attribution, then the books.

export interface EpochFacts {
  epochId: number;
  window: EpochWindow;
  policy: RewardPolicy;
  leases: readonly LeaseRecord[];
  pods: readonly PodInterval[];
  devices: readonly DeviceFacts[];
  online: ReadonlyMap<string, readonly Interval[]>;
  ready: ReadonlyMap<string, readonly Interval[]>;
  carryIn: ReadonlyMap<string, bigint>;
}

export interface EpochBooks {
  availability: DeviceAvailability[];
  usage: LeaseUsage[];
  computation: EpochComputation;
}

/** bookEpoch computes an epoch's ledger from its facts. */
export function bookEpoch(f: EpochFacts): EpochBooks {
  const known = new Map(f.devices.map((d) => [d.deviceId, d]));
  const availability = computeAvailability({ devices: f.devices, online: f.online, ready: f.ready, epoch: f.window, policy: f.policy });
  const usage = attributeLeases(f.leases, f.pods, f.window, {
    policy: f.policy,
    denoms: new Set(f.policy.denoms),
    // Identity is the device key: only a registered device's node (named by its key) is credited, never a banned one.
    isDevice: (node) => {
      const d = known.get(node);
      return d !== undefined && d.state !== "banned";
    },
  });
  const ownerOf = new Map(f.devices.map((d) => [d.deviceId, d.owner]));
  const computation = computeEpoch({ epochId: f.epochId, window: f.window, policy: f.policy, leases: usage, availability, ownerOf, carryIn: f.carryIn });
  return { availability, usage, computation };
}
