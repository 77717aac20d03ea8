import type { ProbeSources } from "./sources.ts";

// Ports in use, from /proc/net/{tcp,tcp6,udp,udp6}: readable without privileges, unlike ss -p.

export interface PortsInUse {
  tcpListening: number[];
  udpBound: number[];
}

const TCP_LISTEN = "0A";

/** parseProcNet lists local ports from one /proc/net table; for TCP only sockets in LISTEN. */
export function parseProcNet(table: string, proto: "tcp" | "udp"): number[] {
  const ports = new Set<number>();
  for (const line of table.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const state = cols[3];
    if (!local || !state) continue;
    if (proto === "tcp" && state !== TCP_LISTEN) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (Number.isFinite(port) && port > 0) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** readPortsInUse returns null when /proc/net cannot be read at all (then nothing is known). */
export async function readPortsInUse(sources: ProbeSources): Promise<PortsInUse | null> {
  const read = (f: string) => sources.readText(`/proc/net/${f}`);
  const [tcp, tcp6, udp, udp6] = await Promise.all([read("tcp"), read("tcp6"), read("udp"), read("udp6")]);
  if (tcp === null && tcp6 === null) return null;
  const merge = (tables: (string | null)[], proto: "tcp" | "udp") =>
    [...new Set(tables.flatMap((t) => (t === null ? [] : parseProcNet(t, proto))))].sort((a, b) => a - b);
  return { tcpListening: merge([tcp, tcp6], "tcp"), udpBound: merge([udp, udp6], "udp") };
}
