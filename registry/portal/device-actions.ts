import type { AdminDeviceAction, DeviceActionOutcome, DeviceState, OwnerDeviceAction } from "../../protocol/index.ts";
import { PublicError } from "../public-error.ts";
import type { ClusterPort, DeviceCommands, DeviceFacts, RolesPort } from "./ports.ts";

// What owners and operators do to a device from the portals, in one place so the HTML pages and the JSON
// API behave alike. Each action checks who may do it (an owner acts on their own devices; an operator on
// the devices of a region they hold a role for), then acts in the cluster (cordon, drain, delete the node)
// and in the registry (the device's state), and writes the audit log. A device of another owner reads as
// missing, so ids cannot be probed. Cluster work is best effort when a region has no cluster wired: the
// outcome says what was and was not done.

const JOINED: readonly DeviceState[] = ["joining", "online", "offline", "paused"];
const PAUSABLE: readonly DeviceState[] = ["assigned", "joining", "online", "offline"];

export interface DeviceActionsOptions {
  commands: DeviceCommands;
  cluster: ClusterPort;
  roles: RolesPort;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

type Cluster = DeviceActionOutcome["cluster"];

/** untouched is an action's cluster outcome before it has done anything there. */
function untouched(configured: boolean): Cluster {
  return { configured, cordoned: null, evicted: 0, remaining: [], nodeDeleted: false, tailnetNodeDeleted: false, cleanupPending: false };
}

function unknownDevice(id: string): PublicError {
  return new PublicError(404, "device_unknown", `no device ${id.slice(0, 80)} of yours`, "check the device id in your device list");
}

function refused(d: DeviceFacts, action: string, why: string, fix: string): PublicError {
  return new PublicError(409, "action_not_possible", `cannot ${action} device ${d.id}: ${why}`, fix);
}

export class DeviceActions {
  constructor(private readonly o: DeviceActionsOptions) {}

  /** ownerAct is an owner acting on their own device from the portal. */
  async ownerAct(owner: string, deviceId: string, action: OwnerDeviceAction): Promise<DeviceActionOutcome> {
    const d = deviceId.length <= 128 ? await this.o.commands.facts(deviceId) : null;
    if (!d || d.owner !== owner) throw unknownDevice(deviceId);
    const outcome = await this.act(d, action, "its owner in the portal");
    await this.o.roles.audit({ actor: owner, action: `owner.device.${action}`, target: d.id, regionId: d.regionId, detail: outcome.message });
    return outcome;
  }

  /** operatorAct is an operator acting on a device of a region they operate; reason goes to the audit log. */
  async operatorAct(actor: string, deviceId: string, action: AdminDeviceAction, reason: string): Promise<DeviceActionOutcome> {
    const d = deviceId.length <= 128 ? await this.o.commands.facts(deviceId) : null;
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId.slice(0, 80)}`, "check the device id in the region's device list");
    // A device waiting for a region is in no region yet: only an operator of every region acts on it.
    const scope = d.regionId ?? "*";
    if (!(await this.o.roles.isOperator(actor, scope))) {
      this.o.log?.("admin_refused", { actor, action, device: d.id, region: scope });
      throw new PublicError(403, "not_operator", `only an operator of ${scope === "*" ? "every region" : `region ${scope}`} may ${action} this device`, "sign in with an operator account, or ask an operator to grant you the role");
    }
    const detail = reason.trim();
    if (action === "approve") {
      if (d.state !== "pending_approval") throw refused(d, "approve", `it is ${d.state}, not waiting for approval`, "reload the region's device list");
      const state = await this.o.commands.approve(d.id, actor, (tx) => this.o.roles.audit({ actor, action: "device.approve", target: d.id, regionId: d.regionId, detail }, tx));
      return { deviceId: d.id, action, state, message: "Approved: the device joins its region next.", cluster: untouched(this.clusterConfigured(d)) };
    }
    const outcome = await this.act(d, action, `operator ${actor}${detail ? ` (${detail})` : ""}`);
    await this.o.roles.audit({ actor, action: `device.${action}`, target: d.id, regionId: d.regionId, detail: detail ? `${detail} — ${outcome.message}` : outcome.message });
    return outcome;
  }

  private clusterConfigured(d: DeviceFacts): boolean {
    return d.regionId !== null && this.o.cluster.configured(d.regionId);
  }

  private async act(d: DeviceFacts, action: Exclude<AdminDeviceAction, "approve">, by: string): Promise<DeviceActionOutcome> {
    const configured = this.clusterConfigured(d);
    const inCluster = configured && JOINED.includes(d.state);
    const cluster = untouched(configured);
    const gone = d.state === "removed" || d.state === "banned";
    let state: DeviceState;
    let message: string;
    switch (action) {
      case "pause": {
        if (!PAUSABLE.includes(d.state)) throw refused(d, "pause", d.state === "paused" ? "it is paused already" : `it is ${d.state.replace("_", " ")}`, d.state === "paused" ? "resume it instead" : "only a device with a place in a region can be paused");
        if (inCluster) {
          await this.o.cluster.cordon(d.id, d.regionId!, true);
          cluster.cordoned = true;
        }
        state = await this.o.commands.setPaused(d.id, true, `paused by ${by}`);
        message = inCluster ? "Paused: no new workloads are placed on it; running ones finish." : "Paused: it takes no new workloads once it joins.";
        break;
      }
      case "resume": {
        if (d.state !== "paused") throw refused(d, "resume", `it is ${d.state.replace("_", " ")}, not paused`, "only a paused device can be resumed");
        if (inCluster) {
          await this.o.cluster.cordon(d.id, d.regionId!, false);
          cluster.cordoned = false;
        }
        state = await this.o.commands.setPaused(d.id, false, `resumed by ${by}`);
        message = "Resumed: it takes workloads again.";
        break;
      }
      case "drain": {
        if (!JOINED.includes(d.state) && d.state !== "assigned") throw refused(d, "drain", `it is ${d.state.replace("_", " ")}`, "only a device in a region's cluster can be drained");
        if (inCluster) {
          await this.o.cluster.cordon(d.id, d.regionId!, true);
          cluster.cordoned = true;
          Object.assign(cluster, await this.o.cluster.drain(d.id, d.regionId!));
        }
        state = d.state === "paused" ? "paused" : await this.o.commands.setPaused(d.id, true, `drained by ${by}`);
        message = inCluster ? `Drained: ${cluster.evicted} workload(s) moved elsewhere${cluster.remaining.length ? `, ${cluster.remaining.length} still running (held by a disruption budget)` : ""}; it stays paused.` : "Paused; the registry is not connected to its region's cluster, so no workloads were moved.";
        break;
      }
      case "remove":
      case "ban": {
        if (action === "remove" && gone) throw refused(d, "remove", `it is ${d.state} already`, "nothing to do");
        if (action === "ban" && gone) throw refused(d, "ban", `it is ${d.state} already`, d.state === "removed" ? "it has left the network; if it checks in again, ban it then" : "nothing to do");
        // Leaving is the membership service's: drain, delete the Node and the tailnet node, revoke unused credentials.
        const removal = action === "ban" ? await this.o.commands.ban(d.id, `banned by ${by}`) : await this.o.commands.remove(d.id, `removed by ${by}`);
        state = removal.state;
        if (removal.left) Object.assign(cluster, removal.left, { cordoned: true });
        const what = action === "ban" ? "Banned: the machine cannot check in again" : "Removed: the device left the network; it can come back with a new claim code";
        message = cluster.cleanupPending
          ? `${what}. Its region's cluster did not answer: the registry deletes its node and tailnet node there as soon as it does.`
          : inCluster
          ? `${what}. ${cluster.evicted} workload(s) moved elsewhere; node ${cluster.nodeDeleted ? "deleted" : "not found in the cluster"}, tailnet node ${cluster.tailnetNodeDeleted ? "deleted" : "not found"}.`
          : `${what}.${configured || d.regionId === null ? "" : " The registry is not connected to its region's cluster, so nothing was changed there."}`;
        break;
      }
    }
    return { deviceId: d.id, action, state, message, cluster };
  }
}
