// The k3s server settings a region's control nodes run with, as /etc/rancher/k3s/config.yaml, for the
// operator to fill in and install. They follow what the Akash team measured for home nodes and what k3s's
// tailscale integration needs:
//   - a dedicated etcd cluster (datastore-endpoint): an embedded etcd breaks when the tailnet hiccups;
//   - the node's address, and so the API server's advertise address, on the tailnet;
//   - the pod network over the tailnet, one of two ways, which must match how devices join:
//       "tailscale-routes": vpn-auth with a key tagged as control plane; k3s then uses flannel's "tailscale"
//         backend and announces each node's pod CIDR as a tailnet route (agents need --vpn-auth too);
//       "vxlan": flannel's VXLAN over tailscale0 (agents run --node-ip <tailnet IP> --flannel-iface tailscale0);
//   - NetworkPolicy stays on (kube-router, built in): pods of different tenants share the pod network;
//   - control nodes are tainted so tenant pods never land there.

export interface K3sServerConfigOptions {
  headscaleUrl: string;
  /** The tailnet tag control nodes join with (the region's ACL policy declares it). */
  controlTag: string;
  podCidr: string;
  serviceCidr?: string;
  podNetwork: "tailscale-routes" | "vxlan";
}

/** k3sServerConfig is the config.yaml text with placeholders (<…>) for what only the operator knows. */
export function k3sServerConfig(options: K3sServerConfigOptions): string {
  const joinKey = `headscale preauthkeys create --tags ${options.controlTag} --expiration 1h`;
  const network =
    options.podNetwork === "vxlan"
      ? `# Join the tailnet first: tailscale up --login-server=${options.headscaleUrl} --auth-key=<key> --hostname=<node name>
# with the key from: ${joinKey}
node-ip: <this node's tailnet IPv4, from tailscale ip -4>
advertise-address: <the same tailnet IPv4>
flannel-iface: tailscale0
flannel-backend: vxlan
`
      : `# Write "name=tailscale,joinKey=<key>,controlServerURL=${options.headscaleUrl}" to this file (mode 0600),
# the key from: ${joinKey}
# k3s then joins the tailnet, sets node-ip and the advertise address to the tailnet address (do not set
# them) and routes pods over the tailnet (flannel's tailscale backend).
vpn-auth-file: /etc/rancher/k3s/vpn-auth
`;
  return `# /etc/rancher/k3s/config.yaml on each control node of the region (pod network: ${options.podNetwork})
datastore-endpoint: "https://<etcd-1>:2379,https://<etcd-2>:2379,https://<etcd-3>:2379"
datastore-cafile: /etc/rancher/k3s/etcd/ca.crt
datastore-certfile: /etc/rancher/k3s/etcd/client.crt
datastore-keyfile: /etc/rancher/k3s/etcd/client.key
${network}cluster-cidr: ${options.podCidr}
service-cidr: ${options.serviceCidr ?? "10.43.0.0/16"}
# The public name or address the registry uses, besides the tailnet address.
tls-san:
  - <control-plane public DNS name>
disable:
  - traefik
  - servicelb
node-taint:
  - node-role.kubernetes.io/control-plane=true:NoSchedule
secrets-encryption: true
# Kept: the built-in NetworkPolicy controller (do not set disable-network-policy) and NodeRestriction.
# k3s runs the tokencleaner controller, which deletes expired join tokens.
`;
}
