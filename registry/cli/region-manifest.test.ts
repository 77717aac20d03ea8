// `akash-home registry region manifest <region>` as an operator runs it: the real binary entry point, a
// regions file on disk, and output that kubectl and Headscale take as is. That the RBAC is exactly enough on
// a real API server is checked in registry/clusters/kube-cluster-admin.test.ts, which applies this output.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { CLUSTER_RULES, NAMESPACE_RULES } from "../clusters/registry-rbac.ts";
import { regionAclPolicy } from "../vpn/acl-policy.ts";

const ROOT = resolve(import.meta.dir, "..", "..");
let dir: string;
let configPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "region-manifest-"));
  configPath = join(dir, "regions.yaml");
  writeFileSync(
    configPath,
    `regions:
  - id: us-west
    name: US West (Portland)
    locationRegion: na-us-west
    latitude: 45.52
    longitude: -122.68
    probeUrl: https://pdx.example.org/probe
    kubeconfig: us-west.kubeconfig
    headscale: { url: https://hs.us-west.example.org, apiKeyFile: us-west.key }
  - id: eu-central
    name: EU Central
    locationRegion: eu-central
    latitude: 50.11
    longitude: 8.68
    probeUrl: \${REGISTRY_URL}/healthz
    status: planned
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, join(ROOT, "akash-home.ts"), "registry", "region", ...args], {
    cwd: ROOT, // the project's tsconfig and bunfig, as ./akash-home.ts runs from a checkout
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("region manifest", () => {
  test("prints YAML whose documents are exactly the registry's ServiceAccount, token and RBAC, the rest being comments", async () => {
    const { code, stdout, stderr } = await run(["manifest", "us-west", "--config", configPath]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: unknown });
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`)).toEqual([
      "ServiceAccount/kube-system/akash-home-registry",
      "Secret/kube-system/akash-home-registry-token",
      "ClusterRole//akash-home-registry",
      "ClusterRoleBinding//akash-home-registry",
      "Role/kube-system/akash-home-registry",
      "RoleBinding/kube-system/akash-home-registry",
    ]);
    expect(docs[2]!.rules).toEqual(CLUSTER_RULES);
    expect(docs[4]!.rules).toEqual(NAMESPACE_RULES);
    // The commented sections name the region's Headscale and the steps that use them.
    expect(stdout).toContain("region us-west (US West (Portland))");
    // The default pod network is the one akash-home agents join with: flannel VXLAN over tailscale0.
    expect(stdout).toContain("--login-server=https://hs.us-west.example.org");
    expect(stdout).toContain("flannel-iface: tailscale0");
    expect(stdout).toContain("--part acl");
  });

  test("the RBAC never lets the registry read Secrets, and writes them only in kube-system", () => {
    for (const rule of CLUSTER_RULES) expect(rule.resources).not.toContain("secrets");
    const secrets = NAMESPACE_RULES.find((r) => r.resources.includes("secrets"))!;
    expect(secrets.verbs.sort()).toEqual(["create", "delete"]);
  });

  test("--part acl is the Headscale policy alone, for the region's pod CIDR", async () => {
    const { code, stdout } = await run(["manifest", "us-west", "--part", "acl", "--pod-network", "tailscale-routes", "--pod-cidr", "10.60.0.0/16", "--config", configPath]);
    expect(code).toBe(0);
    const body = stdout
      .split("\n")
      .filter((l) => !l.startsWith("//"))
      .join("\n");
    expect(JSON.parse(body)).toEqual(regionAclPolicy({ podCidr: "10.60.0.0/16", podNetwork: "tailscale-routes" }));
  });

  test("--part k3s is the server config.yaml, with the region's Headscale and pod CIDR", async () => {
    const { code, stdout } = await run(["manifest", "us-west", "--part=k3s", "--pod-network=tailscale-routes", "--config", configPath]);
    expect(code).toBe(0);
    const config = parseAllDocuments(stdout)[0]!.toJS() as Record<string, unknown>;
    expect(config["cluster-cidr"]).toBe("10.42.0.0/16");
    expect(config["vpn-auth-file"]).toBe("/etc/rancher/k3s/vpn-auth");
    expect(String(config["datastore-endpoint"])).toContain("2379");
    expect(config["disable-network-policy"]).toBeUndefined();
    expect(stdout).toContain("controlServerURL=https://hs.us-west.example.org");
  });

  test("a planned region without Headscale yet still gets its manifest, with a placeholder", async () => {
    const { code, stdout } = await run(["manifest", "eu-central", "--part", "k3s"], { AKASH_HOME_REGISTRY_CONFIG: configPath });
    expect(code).toBe(0);
    expect(stdout).toContain("--login-server=<the region's Headscale URL>");
  });

  test("mistakes are named with what to do", async () => {
    const unknown = await run(["manifest", "us-east", "--config", configPath]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no region "us-east"; it has: us-west, eu-central');
    const noConfig = await run(["manifest", "us-west"]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain("--config");
    const badPart = await run(["manifest", "us-west", "--part", "everything", "--config", configPath]);
    expect(badPart.stderr).toContain("--part must be one of all, rbac, acl, k3s");
    const badCidr = await run(["manifest", "us-west", "--pod-cidr", "10.42.0.0", "--config", configPath]);
    expect(badCidr.code).toBe(1);
    expect(badCidr.stderr).toContain("such as 10.42.0.0/16");
    const noRegion = await run(["manifest", "--config", configPath]);
    expect(noRegion.stderr).toContain("name one region");
    const wrongCommand = await run(["list"]);
    expect(wrongCommand.code).toBe(2);
    expect(wrongCommand.stderr).toContain("akash-home registry region manifest <region id>");
    for (const r of [unknown, noConfig, badPart, badCidr, noRegion, wrongCommand]) expect(r.stderr).not.toContain("    at ");
  });
});

describe("pod network", () => {
  test("vxlan: the policy opens VXLAN between devices and the control plane only, and k3s runs flannel over tailscale0", async () => {
    const acl = await run(["manifest", "us-west", "--part", "acl", "--pod-network", "vxlan", "--config", configPath]);
    const body = acl.stdout
      .split("\n")
      .filter((l) => !l.startsWith("//"))
      .join("\n");
    expect(JSON.parse(body)).toEqual(regionAclPolicy({ podNetwork: "vxlan" }));
    const k3s = await run(["manifest", "us-west", "--part", "k3s", "--pod-network", "vxlan", "--config", configPath]);
    const config = parseAllDocuments(k3s.stdout)[0]!.toJS() as Record<string, unknown>;
    expect(config["flannel-iface"]).toBe("tailscale0");
    expect(config["vpn-auth-file"]).toBeUndefined();
  });

  test("an unknown pod network is refused, naming the two", async () => {
    const r = await run(["manifest", "us-west", "--pod-network", "wireguard", "--config", configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("tailscale-routes, vxlan");
  });
});
