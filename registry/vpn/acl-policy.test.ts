// The region's tailnet policy, read as Headscale reads it: which connections it accepts. The evaluator below
// is deliberately small (tags, the pod host alias, ports, default deny) so a test can ask the questions an
// operator would: can a home device reach another home device? Headscale itself checks the policy in
// headscale-tailnet.test.ts.
import { describe, expect, test } from "bun:test";
import { API_SERVER_PORT, canonicalCidr, CONTROL_TAG, DEFAULT_POD_CIDR, DEVICE_TAG, INGRESS_TAG, KUBELET_PORT, regionAclPolicy, renderAclPolicy, type HeadscalePolicy } from "./acl-policy.ts";

/** A peer as the filter sees it: its tags, or an address in the pod network. */
type Peer = { tag: string } | { podIp: string };

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split("/");
  const toNum = (a: string) => a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNum(ip) / size) === Math.floor(toNum(net!) / size);
}

function matches(policy: HeadscalePolicy, alias: string, peer: Peer): boolean {
  if ("tag" in peer) return alias === peer.tag || alias === "*";
  const host = policy.hosts[alias];
  return host !== undefined && inCidr(peer.podIp, host);
}

/** allows answers whether a new connection src → dst:port (proto) is accepted by some rule. */
function allows(policy: HeadscalePolicy, src: Peer, dst: Peer, port: number, proto: "tcp" | "udp" = "tcp"): boolean {
  return policy.acls.some((rule) => {
    if (rule.proto !== undefined && rule.proto !== proto) return false;
    if (!rule.src.some((s) => matches(policy, s, src))) return false;
    return rule.dst.some((d) => {
      const i = d.lastIndexOf(":");
      const alias = d.slice(0, i);
      const ports = d.slice(i + 1);
      return matches(policy, alias, dst) && (ports === "*" || ports.split(",").some((p) => Number(p) === port));
    });
  });
}

const device = { tag: DEVICE_TAG };
const control = { tag: CONTROL_TAG };
const ingress = { tag: INGRESS_TAG };
const podOnDeviceA = { podIp: "10.42.3.7" };
const podOnDeviceB = { podIp: "10.42.9.12" };

describe("who may reach whom", () => {
  const policy = regionAclPolicy();

  test("a home device reaches the control plane's API server and k3s supervisor, and only that port", () => {
    expect(allows(policy, device, control, API_SERVER_PORT)).toBe(true);
    for (const port of [22, 2379, 10250, 8472]) expect(allows(policy, device, control, port)).toBe(false);
  });

  test("a home device cannot open any connection to another home device", () => {
    for (const port of [22, 80, 443, 6443, 10250, 8472, 51820]) {
      expect(allows(policy, device, device, port)).toBe(false);
      expect(allows(policy, device, device, port, "udp")).toBe(false);
    }
  });

  test("a home device cannot reach the ingress nodes' own addresses", () => {
    for (const port of [22, 80, 443, 10250]) expect(allows(policy, device, ingress, port)).toBe(false);
  });

  test("the control plane reaches each device's kubelet, but not its other ports", () => {
    expect(allows(policy, control, device, KUBELET_PORT)).toBe(true);
    expect(allows(policy, control, device, 22)).toBe(false);
  });

  test("ingress nodes reach pods on devices (tenant traffic) but not the devices themselves", () => {
    expect(allows(policy, ingress, podOnDeviceA, 8080)).toBe(true);
    expect(allows(policy, ingress, device, 22)).toBe(false);
  });

  test("pods reach pods on other devices (a lease spread over two devices) and the API server", () => {
    expect(allows(policy, podOnDeviceA, podOnDeviceB, 5432)).toBe(true);
    expect(allows(policy, podOnDeviceA, control, API_SERVER_PORT)).toBe(true);
  });

  test("a pod cannot reach another device's host addresses", () => {
    expect(allows(policy, podOnDeviceA, device, 22)).toBe(false);
    expect(allows(policy, podOnDeviceA, device, KUBELET_PORT)).toBe(false);
  });

  test("control and ingress nodes reach each other on any port", () => {
    expect(allows(policy, control, ingress, 443)).toBe(true);
    expect(allows(policy, ingress, control, 2379)).toBe(true);
  });
});

describe("tags and routes", () => {
  test("every tag a rule names is declared, with no user able to claim it", () => {
    const policy = regionAclPolicy();
    const named = new Set(policy.acls.flatMap((r) => [...r.src, ...r.dst.map((d) => d.slice(0, d.lastIndexOf(":")))]).filter((a) => a.startsWith("tag:")));
    for (const tag of named) expect(policy.tagOwners[tag]).toEqual([]);
    expect(Object.keys(policy.tagOwners).sort()).toEqual([CONTROL_TAG, DEVICE_TAG, INGRESS_TAG].sort());
  });

  test("pod routes are auto-approved for control and ingress nodes only, unless asked", () => {
    expect(regionAclPolicy().autoApprovers.routes).toEqual({ [DEFAULT_POD_CIDR]: [CONTROL_TAG, INGRESS_TAG] });
    expect(regionAclPolicy({ autoApproveDevicePodRoutes: true }).autoApprovers.routes[DEFAULT_POD_CIDR]).toContain(DEVICE_TAG);
  });

  test("the pod CIDR follows the cluster's, normalised", () => {
    const policy = regionAclPolicy({ podCidr: "10.60.7.9/16" });
    expect(policy.hosts["akash-pods"]).toBe("10.60.0.0/16");
    expect(Object.keys(policy.autoApprovers.routes)).toEqual(["10.60.0.0/16"]);
    expect(allows(policy, { podIp: "10.60.1.1" }, { podIp: "10.60.2.2" }, 80)).toBe(true);
    expect(allows(policy, { podIp: "10.42.1.1" }, { podIp: "10.60.2.2" }, 80)).toBe(false);
  });

  test("a malformed pod CIDR is refused with an example", () => {
    expect(() => regionAclPolicy({ podCidr: "10.42.0.0" })).toThrow("such as 10.42.0.0/16");
    expect(() => regionAclPolicy({ podCidr: "10.300.0.0/16" })).toThrow("not a valid IPv4 CIDR");
  });
});

describe("canonicalCidr", () => {
  test.each([
    ["10.42.0.0/16", "10.42.0.0/16"],
    ["10.42.200.1/16", "10.42.0.0/16"],
    ["192.168.1.130/25", "192.168.1.128/25"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:cafe:42::/56", "2001:cafe:42::/56"],
    ["2001:cafe:42:1:2::5/48", "2001:cafe:42::/48"],
    ["fd00::1/8", "fd00::/8"],
  ])("%s → %s", (input, out) => {
    expect(canonicalCidr(input)).toBe(out);
  });
});

describe("rendering", () => {
  test("the rendered policy is the policy, after a comment header that says how to load it and which tags servers need", () => {
    const policy = regionAclPolicy();
    const text = renderAclPolicy(policy);
    const body = text.split("\n").filter((l) => !l.startsWith("//")).join("\n");
    expect(JSON.parse(body)).toEqual(policy);
    expect(text).toContain("headscale policy set -f");
    expect(text).toContain(`--tags <tag>`);
    expect(text).toContain(CONTROL_TAG);
  });
});

describe("with flannel's VXLAN backend instead of tailnet routes", () => {
  const policy = regionAclPolicy({ podNetwork: "vxlan" });

  test("control and ingress exchange VXLAN with devices", () => {
    expect(allows(policy, control, device, 8472, "udp")).toBe(true);
    expect(allows(policy, device, ingress, 8472, "udp")).toBe(true);
  });

  test("devices still exchange nothing with each other, VXLAN included", () => {
    expect(allows(policy, device, device, 8472, "udp")).toBe(false);
    expect(allows(policy, device, device, 8472, "tcp")).toBe(false);
  });

  test("the default policy opens no VXLAN at all", () => {
    expect(allows(regionAclPolicy(), control, device, 8472, "udp")).toBe(false);
  });

  test("the node rules are the same, and nothing names pod addresses or approves pod routes (none cross the tailnet)", () => {
    expect(allows(policy, device, control, API_SERVER_PORT)).toBe(true);
    expect(allows(policy, control, device, KUBELET_PORT)).toBe(true);
    expect(allows(policy, device, device, KUBELET_PORT)).toBe(false);
    expect(policy.hosts).toEqual({});
    expect(policy.autoApprovers.routes).toEqual({});
  });
});
