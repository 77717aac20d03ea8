// tailnet-path: how one tailscaled reaches a peer right now — a direct WireGuard path (UDP through the
// NAT, hole-punched) or relayed through Headscale's embedded DERP — as `tailscale status` reports it.
import type { Tailscaled } from "../../tests/infra/tailscaled.ts";

export async function pathTo(daemon: Tailscaled, peerIp: string): Promise<string> {
  const status = await daemon.status();
  const peer = Object.values(status.Peer ?? {}).find((p) => p.TailscaleIPs?.includes(peerIp));
  if (!peer) return "not a peer";
  if (peer.CurAddr) return `direct (${peer.CurAddr})`;
  return peer.Relay ? `DERP relay (${peer.Relay})` : "no path yet";
}

/** pathCounts says, for a daemon, how many of the given peers it reaches directly and how many via DERP. */
export async function pathCounts(daemon: Tailscaled, peerIps: readonly string[]): Promise<Record<string, number>> {
  const status = await daemon.status();
  const counts: Record<string, number> = { direct: 0, derp: 0, none: 0 };
  for (const ip of peerIps) {
    const peer = Object.values(status.Peer ?? {}).find((p) => p.TailscaleIPs?.includes(ip));
    const kind = !peer ? "none" : peer.CurAddr ? "direct" : peer.Relay ? "derp" : "none";
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
