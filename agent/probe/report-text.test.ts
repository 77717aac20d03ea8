import { expect, test } from "bun:test";
import type { DoctorReport } from "../../protocol/checks.ts";
import { runDoctor } from "./doctor.ts";
import { fakeSources, healthyMachine, nvidiaFixture, withNvidiaSmi } from "./fake-sources.ts";
import { formatDoctorReport } from "./report-text.ts";

async function report(edit: (m: ReturnType<typeof healthyMachine>) => void = () => {}): Promise<DoctorReport> {
  const m = withNvidiaSmi(healthyMachine(), { code: 0, stdout: nvidiaFixture("rtx3090-dual.xml") });
  edit(m);
  return runDoctor({ stateDir: "/var/lib/akash-home", sources: fakeSources(m) });
}

test("the summary lists the hardware and each GPU with its Akash name", async () => {
  const text = formatDoctorReport(await report(), { colour: false });
  expect(text).toContain("CPU     AMD Ryzen 7 5800X, 8 cores / 16 threads (x64)");
  expect(text).toContain("Memory  32.0 GiB (swap off)");
  expect(text).toContain("0: NVIDIA GeForce RTX 3090 [10de:2204] → rtx3090 24Gi pcie, 24.0 GiB, driver 525.147.05, CUDA 12.0");
  expect(text).toContain("1: NVIDIA GeForce RTX 3090 [10de:2204]");
});

test("checks show ✓, ! and ✗ with fix lines, and the verdict counts blocking problems", async () => {
  const text = formatDoctorReport(
    await report((m) => {
      m.disks["/"] = { totalBytes: 128 * 1024 ** 3, freeBytes: 40 * 1024 ** 3 };
    }),
    { colour: false },
  );
  expect(text).toContain("  ✓ Memory: 32.0 GiB of memory.");
  expect(text).toContain("  ! NVIDIA driver: NVIDIA driver 525.147.05");
  expect(text).toMatch(/ {2}✗ Disk for container images: 40\.0 GiB free on \/ .*\n {6}fix: Free space on \//);
  expect(text).toContain('Not ready: 1 blocking problem. Fix it and run "akash-home doctor" again.');
  expect(text).not.toContain("\x1b[");
});

test("a ready machine says so; colour only when asked", async () => {
  const r = await report((m) => m.paths.push("/sys/module/nvidia_drm"));
  expect(formatDoctorReport(r, { colour: false })).toContain("Ready to join (1 note above).");
  expect(formatDoctorReport(r, { colour: true })).toContain("\x1b[32m✓\x1b[0m");
});
