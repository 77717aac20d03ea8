import { describe, expect, test } from "bun:test";
import { cgroupCheck } from "./cgroup-check.ts";
import { clockCheck } from "./clock-check.ts";
import { swapCheck } from "./swap-check.ts";
import { systemdCheck } from "./systemd-check.ts";
import { virtualizationCheck } from "./virtualization-check.ts";

describe("cgroup-v2", () => {
  test("v2 with cpu, memory and pids passes", () => {
    expect(cgroupCheck({ version: "v2", controllers: ["cpu", "memory", "pids", "io"] }).status).toBe("pass");
  });
  test("v1 and hybrid fail and block, with the GRUB fix", () => {
    for (const version of ["v1", "hybrid"] as const) {
      const c = cgroupCheck({ version, controllers: [] });
      expect(c).toMatchObject({ id: "cgroup-v2", status: "fail", blocking: true });
      expect(c.fix).toContain("systemd.unified_cgroup_hierarchy=1");
    }
  });
  test("a missing memory controller (Raspberry Pi) fails with the cmdline fix", () => {
    const c = cgroupCheck({ version: "v2", controllers: ["cpu", "pids"] });
    expect(c.status).toBe("fail");
    expect(c.message).toContain("memory controller is missing");
    expect(c.fix).toContain("cgroup_enable=memory");
  });
});

describe("swap", () => {
  test("off passes; on warns with its size and does not block", () => {
    expect(swapCheck(0)).toMatchObject({ id: "swap", status: "pass" });
    const c = swapCheck(2 * 1024 ** 3);
    expect(c).toMatchObject({ status: "warn", blocking: false });
    expect(c.message).toContain("2.0 GiB");
    expect(c.fix).toContain("swapoff -a");
  });
});

describe("systemd", () => {
  test("present passes, absent fails and blocks", () => {
    expect(systemdCheck(true).status).toBe("pass");
    expect(systemdCheck(false)).toMatchObject({ id: "systemd", status: "fail", blocking: true });
  });
});

describe("clock-sync", () => {
  test("synced passes, not synced or unknown warns with the timedatectl fix", () => {
    expect(clockCheck({ synced: true, source: "chrony" })).toMatchObject({ id: "clock-sync", status: "pass", message: "The clock is synchronised with NTP (chrony)." });
    for (const synced of [false, null]) {
      const c = clockCheck({ synced, source: synced === null ? null : "timedatectl" });
      expect(c).toMatchObject({ status: "warn", blocking: false });
      expect(c.fix).toContain("timedatectl set-ntp true");
    }
  });
});

describe("virtualization", () => {
  test("bare metal and VMs pass; WSL and containers warn", () => {
    expect(virtualizationCheck({ virtual: false, kind: null }).status).toBe("pass");
    expect(virtualizationCheck({ virtual: true, kind: "KVM" })).toMatchObject({ status: "pass", message: expect.stringContaining("KVM") });
    expect(virtualizationCheck({ virtual: true, kind: "WSL" }).status).toBe("warn");
    expect(virtualizationCheck({ virtual: true, kind: "container (Docker)" }).status).toBe("warn");
  });
});
