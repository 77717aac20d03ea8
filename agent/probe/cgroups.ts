import type { ProbeSources } from "./sources.ts";

// Which cgroup hierarchy the kernel runs. The kubelet in current k3s refuses cgroup v1 by default,
// and without the memory controller (Raspberry Pi OS before it enabled it) pods cannot be limited.

export interface CgroupInfo {
  /** v2: unified; hybrid: v1 controllers plus an empty v2 tree (older systemd); v1: legacy only. */
  version: "v2" | "hybrid" | "v1" | "unknown";
  /** Controllers the v2 root offers; empty unless version is v2. */
  controllers: string[];
}

const ROOT = "/sys/fs/cgroup";

export async function readCgroups(sources: ProbeSources): Promise<CgroupInfo> {
  const controllers = await sources.readText(`${ROOT}/cgroup.controllers`);
  if (controllers !== null) return { version: "v2", controllers: controllers.split(/\s+/).filter(Boolean) };
  if (await sources.exists(`${ROOT}/unified/cgroup.controllers`)) return { version: "hybrid", controllers: [] };
  if ((await sources.exists(`${ROOT}/memory`)) || (await sources.exists(`${ROOT}/cpu`))) return { version: "v1", controllers: [] };
  return { version: "unknown", controllers: [] };
}
