import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { k3sServerConfig } from "../clusters/k3s-server-config.ts";
import { REGISTRY_NAMESPACE, REGISTRY_SERVICE_ACCOUNT, REGISTRY_TOKEN_SECRET, registryRbac } from "../clusters/registry-rbac.ts";
import { loadRegistryConfig } from "../config/registry-config.ts";
import { parseRegistryFlags } from "../flags.ts";
import { CONTROL_TAG, DEFAULT_POD_CIDR, POD_NETWORKS, regionAclPolicy, renderAclPolicy, type PodNetwork } from "../vpn/acl-policy.ts";

// `akash-home registry region manifest <region>`: what an operator installs so a region can take devices:
// the registry's least-privilege RBAC in the cluster (YAML for kubectl apply), the tailnet's ACL policy for
// Headscale, and the k3s server settings the design expects. Prints only; changes nothing.

export const REGION_MANIFEST_HELP = `akash-home registry region manifest: what to install for a region

Usage: akash-home registry region manifest <region id> [--part all|rbac|acl|k3s] [--pod-cidr CIDR]
         [--pod-network vxlan|tailscale-routes] [--config FILE]

  --part all      (default) the RBAC as YAML to apply, with the ACL policy and k3s settings as comments
  --part rbac     only the YAML:            ... | kubectl apply -f -
  --part acl      only the Headscale policy: ... > policy.hujson && headscale policy set -f policy.hujson
  --part k3s      only the k3s server config.yaml
  --pod-cidr      the cluster's pod CIDR (k3s --cluster-cidr), default ${DEFAULT_POD_CIDR}
  --pod-network   how pods reach each other over the tailnet; it must match how devices run k3s:
                  vxlan (default): flannel VXLAN over tailscale0, as akash-home agents join
                  (--node-ip <tailnet IP> --flannel-iface tailscale0); devices reach the control and
                  ingress nodes' pods, not each other's, so a lease's pods on two home devices
                  cannot talk directly
                  tailscale-routes: k3s --vpn-auth on every node, each node's pod CIDR a tailnet
                  route; for clusters whose agents are not akash-home (it has k3s put the key in
                  tailscale's command line)
  --config        the registry's regions file (or AKASH_HOME_REGISTRY_CONFIG)
`;

const PARTS = ["all", "rbac", "acl", "k3s"] as const;
type Part = (typeof PARTS)[number];

export interface RegionManifestInput {
  regionId: string;
  regionName: string;
  headscaleUrl: string | null;
  podCidr: string;
  podNetwork?: PodNetwork;
}

/** regionManifest renders one part (or all) for a region. */
export function regionManifest(input: RegionManifestInput, part: Part = "all"): string {
  const podNetwork = input.podNetwork ?? "vxlan";
  const acl = renderAclPolicy(regionAclPolicy({ podCidr: input.podCidr, podNetwork }), `Tailnet policy for region ${input.regionId} (${input.regionName}), pod network ${podNetwork}`);
  const k3s = k3sServerConfig({ headscaleUrl: input.headscaleUrl ?? "<the region's Headscale URL>", podCidr: input.podCidr, controlTag: CONTROL_TAG, podNetwork });
  const rbac = registryRbac()
    .map((doc) => `---\n${stringify(doc, { lineWidth: 0 })}`)
    .join("");
  if (part === "rbac") return rbac;
  if (part === "acl") return acl;
  if (part === "k3s") return k3s;
  const comment = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((l) => (l === "" ? "#" : `# ${l}`))
      .join("\n");
  return [
    `# Akash at Home: region ${input.regionId} (${input.regionName})`,
    "#",
    "# 1. The registry's access to the cluster (apply as is): kubectl apply -f <this file>",
    "#    Then give the registry a kubeconfig with that ServiceAccount's token, pinned to the cluster CA exactly as",
    "#    the servers serve it (/var/lib/rancher/k3s/server/tls/server-ca.crt): join tokens carry its hash.",
    `#      kubectl -n ${REGISTRY_NAMESPACE} get secret ${REGISTRY_TOKEN_SECRET} -o jsonpath='{.data.token}' | base64 -d > token`,
    "#      kubectl config --kubeconfig=region.kubeconfig set-cluster region --server=https://<control plane>:6443 \\",
    "#        --certificate-authority=/var/lib/rancher/k3s/server/tls/server-ca.crt --embed-certs",
    `#      kubectl config --kubeconfig=region.kubeconfig set-credentials ${REGISTRY_SERVICE_ACCOUNT} --token="$(cat token)"`,
    `#      kubectl config --kubeconfig=region.kubeconfig set-context region --cluster=region --user=${REGISTRY_SERVICE_ACCOUNT}`,
    "#      kubectl config --kubeconfig=region.kubeconfig use-context region",
    "#    and point the region's kubeconfig: at region.kubeconfig (mode 0600).",
    "#",
    "# 2. The tailnet policy (Headscale): akash-home registry region manifest <region> --part acl > policy.hujson",
    comment(acl),
    "#",
    "# 3. The k3s servers: akash-home registry region manifest <region> --part k3s",
    comment(k3s),
    rbac.trimEnd(),
    "",
  ].join("\n");
}

/** runRegion is `akash-home registry region …`; only `manifest` exists. */
export async function runRegion(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    process.stdout.write(REGION_MANIFEST_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command !== "manifest") {
    process.stderr.write(`error: unknown region command "${command}"; the command is: akash-home registry region manifest <region id>\n`);
    return 2;
  }
  return runRegionManifest(rest, env);
}

export async function runRegionManifest(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { part?: string; "pod-cidr"?: string; "pod-network"?: string; config?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { part: { type: "string" }, "pod-cidr": { type: "string" }, "pod-network": { type: "string" }, config: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message.split("\n")[0]} (see "akash-home registry region manifest --help")\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(REGION_MANIFEST_HELP);
    return 0;
  }
  const part = values.part ?? "all";
  if (!(PARTS as readonly string[]).includes(part)) {
    process.stderr.write(`error: --part must be one of ${PARTS.join(", ")} (got "${part}")\n`);
    return 2;
  }
  const podNetwork = values["pod-network"] ?? "vxlan";
  if (!(POD_NETWORKS as readonly string[]).includes(podNetwork)) {
    process.stderr.write(`error: --pod-network must be one of ${POD_NETWORKS.join(", ")} (got "${podNetwork}")\n`);
    return 2;
  }
  if (positionals.length !== 1) {
    process.stderr.write("error: name one region: akash-home registry region manifest <region id> (the ids are in the regions file)\n");
    return 2;
  }
  const regionId = positionals[0]!;
  // The same regions file the registry runs with: --config, or its environment variable.
  const configPath = values.config ?? (env.AKASH_HOME_REGISTRY_CONFIG || undefined);
  if (!configPath) {
    process.stderr.write("error: pass --config with the registry's regions file (or set AKASH_HOME_REGISTRY_CONFIG)\n");
    return 2;
  }
  try {
    // Probe URLs may name the registry's own URL; this command does not use them, but the file must parse.
    const config = await loadRegistryConfig(configPath, { registryUrl: parseRegistryFlags([], env).publicUrl });
    const region = config.regions.find((r) => r.id === regionId);
    if (!region) {
      process.stderr.write(`error: ${configPath} has no region "${regionId}"; it has: ${config.regions.map((r) => r.id).join(", ")}\n`);
      return 1;
    }
    const podCidr = values["pod-cidr"] ?? DEFAULT_POD_CIDR;
    process.stdout.write(regionManifest({ regionId: region.id, regionName: region.name, headscaleUrl: region.headscale?.url ?? null, podCidr, podNetwork: podNetwork as PodNetwork }, part as Part));
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
