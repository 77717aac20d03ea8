import * as v from "valibot";

/** ClusterJoin is what the agent keeps about its place in the cluster, to restart the k3s agent after a restart of its own. */
export const ClusterJoin = v.object({
  regionId: v.string(),
  nodeName: v.string(),
  server: v.string(),
  tailnetIp: v.string(),
  labels: v.record(v.string(), v.string()),
  taints: v.array(v.string()),
  flannelIface: v.string(),
  defaultRuntime: v.nullable(v.string()),
  joinedAt: v.string(),
});
export type ClusterJoin = v.InferOutput<typeof ClusterJoin>;
