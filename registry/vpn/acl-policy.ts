// The ACL policy a region's Headscale runs (Headscale v0.29 policy format, hscontrol/policy/v2). Tailnet
// traffic is denied unless a rule below accepts it, so what is not written here cannot happen:
//   - home devices reach the control plane's API server / k3s supervisor (6443) and nothing else on it;
//   - the control plane reaches each device's kubelet (10250), for logs, exec and metrics;
//   - control and ingress nodes reach each other freely (they are the operator's machines);
//   - the pod network (the k3s cluster CIDR, routed over the tailnet by k3s's tailscale flannel backend)
//     reaches itself, and control and ingress nodes reach it: ingress proxies tenants' traffic to pods;
//   - so one home device can never open a connection to another home device's own addresses. Pods of a
//     lease spread over two devices still talk pod-to-pod; isolating tenants there is NetworkPolicy's job.
// Replies to an accepted connection always pass (the tailnet's filter is stateful).
// This assumes flannel's "tailscale" backend (k3s --vpn-auth/--vpn-auth-file): pod packets cross the tailnet
// with their own addresses, so rules can name the pod network. With podNetwork "vxlan" (flannel's default
// backend over --flannel-iface tailscale0) pod packets are hidden inside UDP 8472 between node addresses;
// the policy then lets control and ingress exchange VXLAN with devices but never device with device, so
// pods on two different home devices cannot talk: allowing it would let devices reach each other.

/** Every home device's tailnet node carries this tag (its pre-auth key is made with it). */
export const DEVICE_TAG = "tag:akash-home";
/** The region's k3s servers (the control plane) join with keys tagged so. */
export const CONTROL_TAG = "tag:akash-control";
/** The region's ingress worker nodes join with keys tagged so. */
export const INGRESS_TAG = "tag:akash-ingress";

/** k3s's default cluster CIDR (--cluster-cidr). */
export const DEFAULT_POD_CIDR = "10.42.0.0/16";
/** The API server and the k3s supervisor share this port. */
export const API_SERVER_PORT = 6443;
export const KUBELET_PORT = 10250;
/** flannel's VXLAN port (Linux's default, which flannel uses). */
export const VXLAN_PORT = 8472;

const POD_HOST = "akash-pods";

export interface AclPolicyOptions {
  /** The cluster's pod CIDR (k3s --cluster-cidr); default 10.42.0.0/16. */
  podCidr?: string;
  /**
   * autoApproveDevicePodRoutes lets Headscale approve any pod-CIDR route a home device announces. Off by
   * default: a device could then announce another device's pod subnet. The registry instead approves each
   * device's own Node.spec.podCIDR (TailnetAdmin.approveRoutes) once its Node has one.
   */
  autoApproveDevicePodRoutes?: boolean;
  /** How pod traffic crosses the tailnet: "tailscale-routes" (default) or "vxlan" (see the header). */
  podNetwork?: PodNetwork;
}

export interface AclRule {
  action: "accept";
  proto?: "tcp" | "udp";
  src: string[];
  dst: string[];
}

/** HeadscalePolicy is the subset of Headscale's policy file this project writes. */
export interface HeadscalePolicy {
  tagOwners: Record<string, string[]>;
  hosts: Record<string, string>;
  acls: AclRule[];
  autoApprovers: { routes: Record<string, string[]> };
}

export type PodNetwork = "tailscale-routes" | "vxlan";
export const POD_NETWORKS: readonly PodNetwork[] = ["tailscale-routes", "vxlan"];

/** regionAclPolicy is the policy for one region's Headscale. */
export function regionAclPolicy(options: AclPolicyOptions = {}): HeadscalePolicy {
  const podCidr = canonicalCidr(options.podCidr ?? DEFAULT_POD_CIDR);
  const infra = [CONTROL_TAG, INGRESS_TAG];
  const nodes: AclRule[] = [
    { action: "accept", src: infra, dst: infra.map((t) => `${t}:*`) },
    { action: "accept", proto: "tcp", src: [DEVICE_TAG], dst: [`${CONTROL_TAG}:${API_SERVER_PORT}`] },
    { action: "accept", proto: "tcp", src: [CONTROL_TAG], dst: [`${DEVICE_TAG}:${KUBELET_PORT}`] },
  ];
  // Owners are empty: only the API (the registry, the operator's CLI) may put these tags on a node, through
  // tagged pre-auth keys. No user can claim them from a client.
  const tagOwners = { [CONTROL_TAG]: [], [INGRESS_TAG]: [], [DEVICE_TAG]: [] };
  if (options.podNetwork === "vxlan") {
    return {
      tagOwners,
      hosts: {},
      acls: [
        ...nodes,
        { action: "accept", proto: "udp", src: infra, dst: [`${DEVICE_TAG}:${VXLAN_PORT}`] },
        { action: "accept", proto: "udp", src: [DEVICE_TAG], dst: infra.map((t) => `${t}:${VXLAN_PORT}`) },
      ],
      autoApprovers: { routes: {} },
    };
  }
  return {
    tagOwners,
    hosts: { [POD_HOST]: podCidr },
    acls: [
      ...nodes,
      // Pods talk to the API server through the `kubernetes` Service, which lands on a control node's 6443.
      { action: "accept", proto: "tcp", src: [POD_HOST], dst: [`${CONTROL_TAG}:${API_SERVER_PORT}`] },
      { action: "accept", src: [POD_HOST, ...infra], dst: [`${POD_HOST}:*`] },
    ],
    autoApprovers: { routes: { [podCidr]: options.autoApproveDevicePodRoutes ? [...infra, DEVICE_TAG] : infra } },
  };
}

/** renderAclPolicy writes the policy as HuJSON with a header, ready for `headscale policy set -f`. */
export function renderAclPolicy(policy: HeadscalePolicy, title = "Akash at Home region tailnet policy"): string {
  const header = [
    `// ${title}.`,
    "// Load it with `headscale policy set -f <file>` (policy.mode: database) or point policy.path at it.",
    `// Devices join tagged ${DEVICE_TAG}; k3s servers must join with a key tagged ${CONTROL_TAG}`,
    `// and ingress nodes with ${INGRESS_TAG}: headscale preauthkeys create --tags <tag> --expiration 1h`,
  ];
  return `${header.join("\n")}\n${readableJson(policy, "")}\n`;
}

/** readableJson is JSON with one rule per line: objects indented, lists of plain values kept on one line. */
function readableJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    if (value.length === 0) return "[]";
    const inner = indent + "  ";
    return `[\n${value.map((v) => inner + readableJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    // A small object of plain values (one ACL rule) reads best on one line.
    const flat = entries.every(([, v]) => v === null || typeof v !== "object" || (Array.isArray(v) && v.every((x) => typeof x !== "object")));
    if (flat && indent.length >= 4) return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${readableJson(v, indent)}`).join(", ")} }`;
    const inner = indent + "  ";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${readableJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** canonicalCidr checks an IPv4 or IPv6 CIDR and returns it with its host bits cleared. */
export function canonicalCidr(cidr: string): string {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) throw new RangeError(`${JSON.stringify(cidr)} is not a CIDR such as 10.42.0.0/16`);
  const [, address, bitsText] = m;
  const bits = Number(bitsText);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address!);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255) || bits > 32) throw new RangeError(`${JSON.stringify(cidr)} is not a valid IPv4 CIDR`);
    const value = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - bits);
    const network = Math.floor(value / size) * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".")}/${bits}`;
  }
  if (address!.includes(":") && bits <= 128) {
    // IPv6: validated by URL's parser, then host bits cleared on the 8 groups.
    let groups: number[];
    try {
      const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
      const [head, tail = ""] = host.includes("::") ? host.split("::") : [host, undefined];
      const h = head ? head.split(":") : [];
      const t = tail ? tail.split(":") : [];
      const fill = host.includes("::") ? Array(8 - h.length - t.length).fill("0") : [];
      groups = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
      if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) throw new Error();
    } catch {
      throw new RangeError(`${JSON.stringify(cidr)} is not a valid IPv6 CIDR`);
    }
    const cleared = groups.map((g, i) => {
      const keep = Math.max(0, Math.min(16, bits - i * 16));
      return keep === 16 ? g : keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
    });
    return `${compressV6(cleared)}/${bits}`;
  }
  throw new RangeError(`${JSON.stringify(cidr)} is not a CIDR such as 10.42.0.0/16`);
}

function compressV6(groups: number[]): string {
  // The longest run of zero groups (length ≥ 2) becomes "::", as RFC 5952 writes addresses.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
