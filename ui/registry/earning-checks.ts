import type { Check, DeviceDetail } from "../../protocol/index.ts";
import { formatWhen } from "../kit/index.ts";

// "Why is this device not earning?" answered on its page, from what the registry knows now: peer products
// lose owners when a dashboard shows zero without saying why. A device earns its availability share while
// it holds a place in a region, has joined the region's cluster, is online and not paused; a benchmark and
// a current agent make what it offers count in full. Each check says what was found and what to do.

const AGENT_PAGE = "http://localhost:7777";
const RESTART = "check that the computer is on and the agent runs: `sudo systemctl status akash-home`, then `sudo systemctl restart akash-home`";

/** earningChecks lists what a device needs to earn, each passed or not with the fix; empty for a device that has left. */
export function earningChecks(detail: DeviceDetail): Check[] {
  const d = detail.device;
  if (d.state === "removed" || d.state === "banned") return [];
  const check = (id: string, title: string, status: Check["status"], message: string, fix: string | null, blocking = true): Check => ({ id, title, status, message, fix, blocking });
  const region = d.region?.name ?? "its region";
  const checks: Check[] = [];

  if (d.state === "waitlisted") {
    const w = detail.waitlist;
    checks.push(check("place", "A place in a region", "fail", w ? `Number ${w.position} of ${w.waiting} waiting in ${w.area}: ${w.reason}` : "No region near it has room yet.", "nothing to do: it joins by itself when a region near it has room"));
  } else if (d.state === "pending_approval") {
    checks.push(check("place", "A place in a region", "fail", `${region} takes devices once its operator approves them; this one waits for approval.`, "nothing to do: the operator sees it in the admin portal"));
  } else {
    checks.push(check("place", "A place in a region", "pass", `Placed in ${region}.`, null));
  }

  const joined = d.state === "online" || d.state === "offline" || d.state === "paused";
  if (d.state === "assigned" || d.state === "joining") {
    const notConnected = detail.workloadsSource === "no_cluster";
    checks.push(
      check(
        "cluster",
        "Joined the region's cluster",
        "fail",
        notConnected ? `The registry is not connected to ${region}'s cluster yet, so no device can join it.` : d.state === "joining" ? "It has its join credentials and is joining now." : "It has a place and joins the cluster next.",
        notConnected ? "nothing to do: the device keeps its place and joins once the region's operators connect the cluster" : `keep the agent running; if this lasts more than a few minutes, open the agent's page on the computer (${AGENT_PAGE}) to see why`,
      ),
    );
  } else if (joined) {
    checks.push(check("cluster", "Joined the region's cluster", "pass", `It is a node of ${region}'s cluster.`, null));
  }

  if (d.state === "online" || d.state === "paused") {
    checks.push(check("online", "Online", "pass", "The registry hears from it.", null));
  } else if (d.state === "offline") {
    checks.push(check("online", "Online", "fail", d.lastSeenAt ? `Not heard from since ${formatWhen(d.lastSeenAt)}; offline time earns nothing.` : "Never heard from.", RESTART));
  }

  if (d.state === "paused") {
    checks.push(check("paused", "Taking workloads", "fail", "Paused: paused time earns no availability share and no workloads are placed on it.", "resume it with the button below when you want it to earn again"));
  } else if (joined) {
    checks.push(check("paused", "Taking workloads", "pass", "Not paused.", null));
  }

  checks.push(
    detail.bench
      ? check("bench", "Benchmark on record", "pass", "Its benchmark verifies the capacity it offers.", null, false)
      : check("bench", "Benchmark on record", "warn", "No benchmark on record: the capacity it offers may not count as verified.", `run the benchmark from the agent's page on the computer (${AGENT_PAGE})`, false),
  );
  checks.push(
    d.updateAvailable
      ? check("agent", "Agent up to date", "warn", `It runs agent ${d.agentVersion}, older than the registry's.`, "run the installer again on it (the command is above); it keeps the device's identity and place", false)
      : check("agent", "Agent up to date", "pass", `Agent ${d.agentVersion}.`, null, false),
  );
  return checks;
}
