import type { Check } from "../../../protocol/checks.ts";
import { THRESHOLDS } from "../../config/thresholds.ts";
import type { PortsInUse } from "../listening-ports.ts";
import { list } from "../format-units.ts";
import { checkOf } from "./check-builder.ts";

/** ports: the kubelet must bind 10250/tcp; the UDP ports only cost a fallback when busy. */
export function portsCheck(ports: PortsInUse | null, k3sRunning: boolean): Check {
  const c = checkOf("ports", "Ports", true);
  const all = [...THRESHOLDS.ports.tcp.map((p) => ({ ...p, proto: "tcp" })), ...THRESHOLDS.ports.udp.map((p) => ({ ...p, proto: "udp" }))];
  const names = list(all.map((p) => `${p.port}/${p.proto}`));
  if (ports === null) return c.warn(`Could not read /proc/net to see whether ${names} are free.`, "Check that /proc is mounted, then run akash-home doctor again.");
  const busy = all.filter((p) => (p.proto === "tcp" ? ports.tcpListening : ports.udpBound).includes(p.port));
  if (busy.length === 0) return c.pass(`${names} are free.`);
  const said = busy.map((p) => `${p.port}/${p.proto} (${p.what})`);
  const who = busy.map((p) => `sudo ss -${p.proto === "tcp" ? "lt" : "lu"}np 'sport = :${p.port}'`).join("; ");
  const hint = k3sRunning ? " The k3s already running here is the likely owner." : "";
  const message = `In use: ${list(said)}.${hint}`;
  if (busy.some((p) => p.blocking)) return c.fail(message, `Find the program with ${who} and stop it (a k3s or kubelet already running is the usual cause).`);
  return c.warn(message, `Optional: ${who} shows the program; joining still works.`);
}
