import { describe, expect, test } from "bun:test";
import { existingK3sCheck, existingTailscaleCheck } from "./existing-checks.ts";
import { portsCheck } from "./ports-check.ts";

const none = { binaries: [], units: [], running: [], uninstallers: [] };

describe("existing-k3s", () => {
  test("none passes; an install warns, says what joining does and gives its uninstall script", () => {
    expect(existingK3sCheck(none).status).toBe("pass");
    const c = existingK3sCheck({ binaries: ["/usr/local/bin/k3s"], units: ["k3s.service"], running: ["k3s-server"], uninstallers: ["/usr/local/bin/k3s-uninstall.sh"] });
    expect(c).toMatchObject({ id: "existing-k3s", status: "warn", blocking: false });
    expect(c.message).toContain("/usr/local/bin/k3s");
    expect(c.message).toContain("Joining sets k3s up as an agent of the Akash region");
    expect(c.fix).toContain("sudo /usr/local/bin/k3s-uninstall.sh");
  });
});

describe("existing-tailscale", () => {
  test("a running tailscaled warns that joining moves it off its tailnet", () => {
    expect(existingTailscaleCheck(none).status).toBe("pass");
    const c = existingTailscaleCheck({ binaries: ["/usr/bin/tailscale"], units: ["tailscaled.service"], running: ["tailscaled"], uninstallers: [] });
    expect(c.status).toBe("warn");
    expect(c.message).toContain("off the tailnet it is on now");
  });
});

describe("ports", () => {
  test("free ports pass and are named", () => {
    expect(portsCheck({ tcpListening: [22, 7777], udpBound: [68] }, false)).toMatchObject({ id: "ports", status: "pass", message: "10250/tcp, 8472/udp and 41641/udp are free." });
  });
  test("10250/tcp taken fails and blocks, naming k3s when it runs", () => {
    const c = portsCheck({ tcpListening: [10250], udpBound: [] }, true);
    expect(c).toMatchObject({ status: "fail", blocking: true });
    expect(c.message).toContain("10250/tcp (the kubelet");
    expect(c.message).toContain("k3s already running here");
    expect(c.fix).toContain("ss -ltnp 'sport = :10250'");
  });
  test("a busy tailscale port only warns", () => {
    const c = portsCheck({ tcpListening: [], udpBound: [41641] }, false);
    expect(c.status).toBe("warn");
    expect(c.message).toContain("41641/udp");
  });
  test("unreadable /proc/net warns rather than claiming the ports are free", () => {
    expect(portsCheck(null, false).status).toBe("warn");
  });
});
