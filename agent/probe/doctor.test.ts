import { describe, expect, test } from "bun:test";
import os from "node:os";
import * as v from "valibot";
import { DoctorReport } from "../../protocol/checks.ts";
import { runDoctor } from "./doctor.ts";
import { fakeSources, healthyMachine, nvidiaFixture, withNvidiaSmi, withPciDevice, type FakeMachine } from "./fake-sources.ts";
import type { ProbeSources } from "./sources.ts";

const GiB = 1024 ** 3;
const doctor = (m: FakeMachine) => runDoctor({ stateDir: "/var/lib/akash-home", sources: fakeSources(m) });
const check = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id)!;
const gaming = () => withPciDevice(withNvidiaSmi(healthyMachine(), { code: 0, stdout: nvidiaFixture("rtx4090-single.xml") }), "0000:01:00.0", "0x10de", "0x2684", "0x030000");

const EVERY_ID = ["cpu-cores", "memory", "disk-state", "disk-images", "os", "arch", "virtualization", "cgroup-v2", "swap", "systemd", "clock-sync", "existing-k3s", "existing-tailscale", "ports", "gpu-driver", "nvidia-drm", "gpu-supported", "docker"];

describe("runDoctor on fixture machines", () => {
  test("a healthy gaming PC with an RTX 4090 is ready, and its GPU carries the Akash name", async () => {
    const m = gaming();
    m.paths.push("/sys/module/nvidia_drm");
    const report = v.parse(DoctorReport, await doctor(m));
    expect(report.ready).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(EVERY_ID);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.hardware.gpus).toHaveLength(1);
    expect(report.hardware.gpus[0]).toMatchObject({ akashModel: "rtx4090", akashMemory: "24Gi", supported: true, driverVersion: "550.54.14" });
    expect(report.hardware.disks.map((d) => [d.purpose, d.path, d.freeBytes])).toEqual([
      ["state", "/var/lib/akash-home", 500 * GiB],
      ["images", "/var/lib/rancher", 500 * GiB],
    ]);
    expect(report.hardware.machineId).toBe("0123456789abcdef0123456789abcdef");
  });

  test("a DGX Spark's GB10 reports the machine's memory as its VRAM", async () => {
    const m = withNvidiaSmi(healthyMachine(), { code: 0, stdout: nvidiaFixture("gb10-dgx-spark.xml") });
    m.system = { ...(m.system as Exclude<FakeMachine["system"], Error>), memory: { totalBytes: 119.7 * GiB, availableBytes: 100 * GiB, swapTotalBytes: 0 } };
    m.system.os.arch = "arm64";
    const report = await doctor(m);
    expect(report.hardware.gpus[0]).toMatchObject({ akashModel: "gb10", unifiedMemory: true, vramMiB: Math.round(119.7 * 1024) });
    expect(check(report, "arch").status).toBe("pass");
  });

  test("a broken NVIDIA driver is a clear failed check, but the device can still join with its CPU", async () => {
    const m = withPciDevice(withNvidiaSmi(healthyMachine(), { code: 9, stdout: nvidiaFixture("failed-no-driver.txt") }), "0000:01:00.0", "0x10de", "0x2684", "0x030000");
    const report = await doctor(m);
    expect(check(report, "gpu-driver")).toMatchObject({ status: "fail", blocking: false });
    expect(check(report, "gpu-driver").message).toContain("kernel module is not loaded");
    expect(report.hardware.gpus[0]).toMatchObject({ akashModel: "rtx4090", supported: false });
    expect(report.ready).toBe(true);
  });

  test("too little disk for images makes the device not ready", async () => {
    const m = healthyMachine();
    m.disks["/"] = { totalBytes: 256 * GiB, freeBytes: 60 * GiB };
    const report = await doctor(m);
    expect(check(report, "disk-images").status).toBe("fail");
    expect(report.ready).toBe(false);
  });

  test("swap counts from /proc/meminfo even when systeminformation says none", async () => {
    const m = healthyMachine();
    m.files["/proc/meminfo"] = "MemTotal:       33554432 kB\nSwapTotal:       2097148 kB\n";
    const report = await doctor(m);
    expect(report.hardware.memory.swapTotalBytes).toBe(2097148 * 1024);
    expect(check(report, "swap").status).toBe("warn");
  });

  test("when systeminformation fails, node:os fills in and the report is still valid", async () => {
    const m = healthyMachine();
    m.system = new Error("si exploded");
    const report = v.parse(DoctorReport, await doctor(m));
    expect(report.hardware.cpu.threads).toBe(os.cpus().length);
  });

  test("every source throwing still gives a valid report, with failures that say what could not be read", async () => {
    const broken = new Proxy({} as ProbeSources, {
      get: () => async () => {
        throw new Error("EIO");
      },
    });
    const report = v.parse(DoctorReport, await runDoctor({ stateDir: "/var/lib/akash-home", sources: broken }));
    expect(report.ready).toBe(false);
    expect(check(report, "disk-images").message).toContain("Could not measure");
    expect(check(report, "gpu-driver").status).toBe("fail");
  });
});

describe("runDoctor on this machine", () => {
  test("returns a valid report that matches what the OS says", async () => {
    const report = v.parse(DoctorReport, await runDoctor({ stateDir: `${os.tmpdir()}/akash-home-doctor-test` }));
    expect(report.checks.map((c) => c.id)).toEqual(EVERY_ID);
    expect(report.hardware.cpu.threads).toBe(os.cpus().length);
    expect(report.hardware.memory.totalBytes).toBeGreaterThan(0);
    expect(report.hardware.os.arch).toBe(os.arch());
    expect(report.hardware.disks.map((d) => d.purpose)).toEqual(["state", "images"]);
    expect(report.ready).toBe(!report.checks.some((c) => c.status === "fail" && c.blocking));
    for (const c of report.checks) expect(c.fix === null).toBe(c.status === "pass");
  });
});

describe("--ignore-checks", () => {
  test("turns a named failing check into a warning that says so, and the machine becomes ready", async () => {
    const small = healthyMachine();
    small.disks = { "/": { totalBytes: 100 * 1024 ** 3, freeBytes: 40 * 1024 ** 3 } };
    const blocked = await runDoctor({ stateDir: "/var/lib/akash-home", sources: fakeSources(small) });
    expect(blocked.ready).toBe(false);
    const ignored = await runDoctor({ stateDir: "/var/lib/akash-home", sources: fakeSources(small), ignore: ["disk-images"] });
    expect(ignored.ready).toBe(true);
    const disk = ignored.checks.find((c) => c.id === "disk-images")!;
    expect(disk.status).toBe("warn");
    expect(disk.message).toContain("ignored by --ignore-checks");
    const other = await runDoctor({ stateDir: "/var/lib/akash-home", sources: fakeSources(small), ignore: ["swap"] });
    expect(other.ready).toBe(false);
  });
});
