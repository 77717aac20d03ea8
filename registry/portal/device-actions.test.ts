import { beforeEach, describe, expect, test } from "bun:test";
import type { DeviceState } from "../../protocol/index.ts";
import { DeviceActions } from "./device-actions.ts";
import type { AuditEntryInput, ClusterPort, DeviceCommands, DeviceFacts } from "./ports.ts";

// Who may do what to a device, what happens in the cluster and in the registry, and what the audit log
// says — with the devices domain, the cluster and the roles as in-memory stand-ins.

const OWNER = "akash1owner";
const OTHER = "akash1other";
const WEST_OP = "akash1westop";
const GLOBAL_OP = "akash1globalop";

let devices: Map<string, DeviceFacts>;
let audit: (AuditEntryInput & { tx: unknown })[];
let calls: string[];
let logged: string[];
let actions: DeviceActions;

/** A device whose connected region does not answer while it is taken out. */
const UNANSWERED = "ah-6";

function fixture(configured: Set<string>) {
  const commands: DeviceCommands = {
    facts: async (id) => (devices.has(id) ? { ...devices.get(id)! } : null),
    view: async () => null,
    async setPaused(id, paused, reason) {
      const d = devices.get(id)!;
      d.state = paused ? "paused" : "online";
      calls.push(`state ${id} ${d.state} (${reason})`);
      return d.state;
    },
    // As portal-root wires it: through membership's leave in a connected region, the devices domain alone elsewhere.
    remove: (id, reason) => shutOut(id, reason, "removed"),
    ban: (id, reason) => shutOut(id, reason, "banned"),
    async approve(id, actor, record) {
      devices.get(id)!.state = "assigned";
      await record("the-transaction");
      calls.push(`state ${id} assigned by ${actor}`);
      return "assigned";
    },
  };
  async function shutOut(id: string, reason: string, end: "removed" | "banned") {
    const d = devices.get(id)!;
    d.state = end;
    if (d.regionId && configured.has(d.regionId)) {
      calls.push(`leave ${id} ${end} (${reason})`);
      if (id === UNANSWERED) return { state: end, left: { evicted: 0, remaining: [], nodeDeleted: false, tailnetNodeDeleted: false, cleanupPending: true } };
      return { state: end, left: { evicted: 3, remaining: ["ns/held"], nodeDeleted: true, tailnetNodeDeleted: true, cleanupPending: false } };
    }
    calls.push(`state ${id} ${end} (${reason})`);
    return { state: end, left: null };
  }
  const cluster: ClusterPort = {
    configured: (r) => configured.has(r),
    cordon: async (id, _r, on) => void calls.push(`${on ? "cordon" : "uncordon"} ${id}`),
    drain: async (id) => (calls.push(`drain ${id}`), { evicted: 2, remaining: ["ns/held"] }),
  };
  return new DeviceActions({
    commands,
    cluster,
    roles: {
      isOperator: async (owner, region) => owner === GLOBAL_OP || (owner === WEST_OP && region === "west"),
      audit: async (entry, tx) => void audit.push({ ...entry, tx }),
    },
    log: (event, fields) => logged.push(`${event} ${fields.actor} ${fields.action}`),
  });
}

function device(id: string, owner: string, state: DeviceState, regionId: string | null): void {
  devices.set(id, { id, owner, state, regionId });
}

beforeEach(() => {
  devices = new Map();
  audit = [];
  calls = [];
  logged = [];
  actions = fixture(new Set(["west"]));
  device("ah-1", OWNER, "online", "west");
  device("ah-2", OTHER, "online", "west");
  device("ah-3", OTHER, "pending_approval", "east");
  device("ah-4", OTHER, "waitlisted", null);
  device("ah-5", OWNER, "online", "east");
  device(UNANSWERED, OWNER, "offline", "west");
});

describe("owners", () => {
  test("pause cordons the node and marks the device paused; the action is in the audit log under the owner", async () => {
    const out = await actions.ownerAct(OWNER, "ah-1", "pause");
    expect(out).toMatchObject({ state: "paused", cluster: { configured: true, cordoned: true } });
    expect(calls).toEqual(["cordon ah-1", "state ah-1 paused (paused by its owner in the portal)"]);
    expect(audit).toEqual([expect.objectContaining({ actor: OWNER, action: "owner.device.pause", target: "ah-1", regionId: "west" })]);
  });

  test("another owner's device reads as missing, and nothing happens to it", async () => {
    for (const action of ["pause", "resume", "remove"] as const) {
      await expect(actions.ownerAct(OWNER, "ah-2", action)).rejects.toMatchObject({ status: 404, code: "device_unknown" });
    }
    await expect(actions.ownerAct(OWNER, "ah-nope", "pause")).rejects.toMatchObject({ status: 404 });
    expect(devices.get("ah-2")!.state).toBe("online");
    expect(calls).toEqual([]);
    expect(audit).toEqual([]);
  });

  test("remove leaves the region's cluster in one step (drain, node and tailnet node deleted) and says what moved; in a region without a cluster it says so", async () => {
    const out = await actions.ownerAct(OWNER, "ah-1", "remove");
    expect(calls).toEqual(["leave ah-1 removed (removed by its owner in the portal)"]);
    expect(out).toMatchObject({ state: "removed", cluster: { configured: true, cordoned: true, evicted: 3, remaining: ["ns/held"], nodeDeleted: true, tailnetNodeDeleted: true } });
    expect(out.message).toContain("3 workload(s) moved elsewhere; node deleted, tailnet node deleted");
    const east = await actions.ownerAct(OWNER, "ah-5", "remove");
    expect(calls.at(-1)).toBe("state ah-5 removed (removed by its owner in the portal)");
    expect(east.cluster).toMatchObject({ configured: false, evicted: 0, nodeDeleted: false });
    expect(east.message).toContain("not connected to its region's cluster");
  });

  test("ban leaves the region's cluster the way remove does (so no join credential outlives it) and ends banned", async () => {
    const out = await actions.operatorAct(WEST_OP, "ah-2", "ban", "abuse");
    expect(calls).toEqual(["leave ah-2 banned (banned by operator akash1westop (abuse))"]);
    expect(out).toMatchObject({ state: "banned", cluster: { cordoned: true, evicted: 3, nodeDeleted: true, tailnetNodeDeleted: true } });
    expect(out.message).toContain("Banned: the machine cannot check in again. 3 workload(s) moved elsewhere");
  });

  test("a region that does not answer does not keep a device in: it is removed, and the message says its node goes once the region answers", async () => {
    const out = await actions.ownerAct(OWNER, UNANSWERED, "remove");
    expect(out).toMatchObject({ state: "removed", cluster: { configured: true, cleanupPending: true, nodeDeleted: false } });
    expect(out.message).toBe("Removed: the device left the network; it can come back with a new claim code. Its region's cluster did not answer: the registry deletes its node and tailnet node there as soon as it does.");
  });

  test("actions that make no sense in the device's state are refused with a reason", async () => {
    await expect(actions.ownerAct(OWNER, "ah-1", "resume")).rejects.toMatchObject({ status: 409, code: "action_not_possible" });
    await actions.ownerAct(OWNER, "ah-1", "remove");
    await expect(actions.ownerAct(OWNER, "ah-1", "remove")).rejects.toMatchObject({ status: 409 });
    await expect(actions.ownerAct(OWNER, "ah-1", "pause")).rejects.toMatchObject({ status: 409 });
  });
});

describe("operators", () => {
  test("every action on a device of a region the actor does not operate is refused, changes nothing, and is logged as refused", async () => {
    for (const action of ["approve", "pause", "resume", "drain", "remove", "ban"] as const) {
      await expect(actions.operatorAct(OWNER, "ah-2", action, "")).rejects.toMatchObject({ status: 403, code: "not_operator" });
      await expect(actions.operatorAct(WEST_OP, "ah-3", action, "")).rejects.toMatchObject({ status: 403, code: "not_operator" });
    }
    // A device waiting for a region is in none yet: only an operator of every region acts on it.
    await expect(actions.operatorAct(WEST_OP, "ah-4", "remove", "")).rejects.toMatchObject({ status: 403 });
    expect(calls).toEqual([]);
    expect(audit).toEqual([]);
    expect(logged).toContain(`admin_refused ${WEST_OP} approve`);
  });

  test("drain with a reason: cordoned, evicted, paused, and the audit entry names the operator, the region and the reason", async () => {
    const out = await actions.operatorAct(WEST_OP, "ah-2", "drain", "kernel upgrade");
    expect(calls).toEqual(["cordon ah-2", "drain ah-2", "state ah-2 paused (drained by operator akash1westop (kernel upgrade))"]);
    expect(out.message).toContain("2 workload(s) moved");
    expect(out.message).toContain("1 still running");
    expect(audit).toEqual([expect.objectContaining({ actor: WEST_OP, action: "device.drain", target: "ah-2", regionId: "west", detail: expect.stringContaining("kernel upgrade") })]);
  });

  test("approve writes its audit entry inside the approval's transaction", async () => {
    await actions.operatorAct(GLOBAL_OP, "ah-3", "approve", "known owner");
    expect(audit).toEqual([{ actor: GLOBAL_OP, action: "device.approve", target: "ah-3", regionId: "east", detail: "known owner", tx: "the-transaction" }]);
    await expect(actions.operatorAct(GLOBAL_OP, "ah-3", "approve", "")).rejects.toMatchObject({ status: 409 });
  });

  test("an operator of every region bans a waiting device; banning it again is refused", async () => {
    const out = await actions.operatorAct(GLOBAL_OP, "ah-4", "ban", "abuse");
    expect(out.state).toBe("banned");
    expect(audit.at(-1)).toMatchObject({ action: "device.ban", regionId: null, detail: expect.stringContaining("abuse") });
    await expect(actions.operatorAct(GLOBAL_OP, "ah-4", "ban", "")).rejects.toMatchObject({ status: 409 });
  });
});
