import { describe, expect, test } from "bun:test";
import { K3sAgent, k3sAgentArgs } from "./k3s-agent.ts";

describe("the k3s agent command line", () => {
  const join = {
    server: "https://100.64.0.1:6443",
    token: "K10aaaa::abcdef.0123456789abcdef",
    nodeName: "ah-abcdefghijklmnop",
    nodeIp: "100.64.0.7",
    labels: { "akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090": "true", "akash-home.io/device-id": "ah-abcdefghijklmnop" },
    taints: ["akash-home.io/edge=true:PreferNoSchedule"],
    flannelIface: "tailscale0",
    defaultRuntime: "nvidia",
  };

  test("joins over the tailnet address with the device id as node name, and never carries the token itself", () => {
    const argv = k3sAgentArgs("/usr/local/bin/k3s", "/var/lib/akash-home/k3s", "/var/lib/akash-home/k3s/token", join);
    expect(argv.slice(0, 2)).toEqual(["/usr/local/bin/k3s", "agent"]);
    expect(argv).toEqual(
      expect.arrayContaining([
        "--server=https://100.64.0.1:6443",
        "--token-file=/var/lib/akash-home/k3s/token",
        "--node-name=ah-abcdefghijklmnop",
        "--node-ip=100.64.0.7",
        "--flannel-iface=tailscale0",
        "--node-taint=akash-home.io/edge=true:PreferNoSchedule",
        "--default-runtime=nvidia",
      ]),
    );
    expect(argv.join(" ")).not.toContain(join.token);
    expect(argv.join(" ")).not.toContain("0123456789abcdef");
  });

  test("labels come out sorted, so the same join gives the same command", () => {
    const labels = k3sAgentArgs("k3s", "/d", "/d/token", join).filter((a) => a.startsWith("--node-label="));
    expect(labels).toEqual(["--node-label=akash-home.io/device-id=ah-abcdefghijklmnop", "--node-label=akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090=true"]);
    const reversed = k3sAgentArgs("k3s", "/d", "/d/token", { ...join, labels: Object.fromEntries(Object.entries(join.labels).reverse()) });
    expect(reversed).toEqual(k3sAgentArgs("k3s", "/d", "/d/token", join));
  });

  test("no GPU runtime, no flag", () => {
    expect(k3sAgentArgs("k3s", "/d", "/d/token", { ...join, defaultRuntime: null }).some((a) => a.startsWith("--default-runtime"))).toBe(false);
  });
});

describe("whether k3s is there", () => {
  const agent = (bin: string) => new K3sAgent({ bin, dataDir: "/nonexistent", log: () => {} });

  test("a missing k3s is named, with the command that installs the binary alone", async () => {
    const r = await agent("/nonexistent/k3s").available();
    expect(r).toMatchObject({ ok: false, problem: "k3s is not installed (/nonexistent/k3s not found)" });
    expect(r.ok ? "" : r.fix).toContain("INSTALL_K3S_SKIP_ENABLE=true");
  });

  test("a k3s that fails to run says how it failed", async () => {
    const r = await agent("false").available();
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.problem).toStartWith("k3s does not run");
  });

  test("a k3s that answers --version is available", async () => {
    expect(await agent("true").available()).toEqual({ ok: true });
  });
});
