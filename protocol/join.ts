import * as v from "valibot";
import { DeviceView } from "./device-state.ts";

/**
 * JoinCredentials are what a placed device needs to become a worker of its region's cluster. Both secrets
 * are made for this one device, work once and expire within minutes: the Headscale pre-auth key puts it on
 * the region's tailnet, the k3s-form bootstrap token lets its k3s agent register its Node.
 */
export const JoinCredentials = v.object({
  /** The Kubernetes node name and tailnet hostname: the device id, so a reinstall never collides. */
  nodeName: v.string(),
  regionId: v.string(),
  tailnet: v.object({
    /** The region's Headscale, as `tailscale up --login-server` takes it. */
    loginServer: v.string(),
    authKey: v.string(),
    tags: v.array(v.string()),
    expiresAt: v.string(),
  }),
  cluster: v.object({
    /** The k3s server URL, on the tailnet. */
    server: v.string(),
    /** `K10<sha256 of the cluster CA>::<id>.<secret>`, as `k3s token create` prints. */
    token: v.string(),
    expiresAt: v.string(),
    labels: v.record(v.string(), v.string()),
    /** `key=value:Effect`, as `k3s agent --node-taint` takes them. */
    taints: v.array(v.string()),
    /** The interface the cluster network runs over: the tailnet's. */
    flannelIface: v.string(),
  }),
});
export type JoinCredentials = v.InferOutput<typeof JoinCredentials>;

/** PauseRequest pauses (cordons) or resumes (uncordons) the device in its cluster. */
export const PauseRequest = v.object({ paused: v.boolean() });
export type PauseRequest = v.InferOutput<typeof PauseRequest>;

/** LeaveResult says what leaving did in the cluster and on the tailnet. */
export const LeaveResult = v.object({
  device: DeviceView,
  /** Pods evicted from the device's node before it was deleted. */
  evicted: v.number(),
  /** Pods that did not leave in time (a disruption budget held them), "namespace/name". */
  remaining: v.array(v.string()),
  nodeDeleted: v.boolean(),
  tailnetNodeDeleted: v.boolean(),
  /**
   * The region's cluster or Headscale did not answer: the device is out all the same, and the registry
   * deletes its Node and tailnet node there as soon as the region answers again.
   */
  cleanupPending: v.optional(v.boolean(), false),
});
export type LeaveResult = v.InferOutput<typeof LeaveResult>;
