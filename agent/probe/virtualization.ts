import type { SystemFacts } from "./sources.ts";
import type { ProbeSources } from "./sources.ts";

// systeminformation tells a VM from bare metal; containers and WSL need their own markers, and they
// matter more: neither runs the systemd services and kernel networking that k3s needs.

export async function refineVirtualization(sources: ProbeSources, found: SystemFacts["virtualization"], kernel: string): Promise<SystemFacts["virtualization"]> {
  if (/microsoft|wsl/i.test(kernel)) return { virtual: true, kind: "WSL" };
  if (found.kind?.startsWith("container")) return found;
  if (await sources.exists("/.dockerenv")) return { virtual: true, kind: "container (Docker)" };
  if (await sources.exists("/run/.containerenv")) return { virtual: true, kind: "container (Podman)" };
  return found;
}
