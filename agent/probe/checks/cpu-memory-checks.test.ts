import { describe, expect, test } from "bun:test";
import { HEALTHY_SYSTEM } from "../fake-sources.ts";
import { cpuCheck } from "./cpu-check.ts";
import { memoryCheck } from "./memory-check.ts";

const GiB = 1024 ** 3;
const cpu = (threads: number, cores = threads) => ({ ...HEALTHY_SYSTEM.cpu, threads, cores, arch: "x64" });
const memory = (gib: number) => ({ totalBytes: gib * GiB, availableBytes: gib * GiB, swapTotalBytes: 0 });

describe("cpu-cores", () => {
  test("counts threads and names the CPU", () => {
    const c = cpuCheck(cpu(16, 8));
    expect(c).toMatchObject({ id: "cpu-cores", status: "pass", fix: null, blocking: true });
    expect(c.message).toBe("16 CPU threads (8 cores, AMD Ryzen 7 5800X).");
  });
  test("2 or 3 threads warn, 1 fails and blocks", () => {
    expect(cpuCheck(cpu(2)).status).toBe("warn");
    expect(cpuCheck(cpu(3)).status).toBe("warn");
    const one = cpuCheck(cpu(1));
    expect(one).toMatchObject({ status: "fail", blocking: true });
    expect(one.message).toStartWith("1 CPU thread (1 core");
    expect(one.fix).toContain("at least 2");
  });
});

describe("memory", () => {
  test("an 8 GB machine reporting 7.6 GiB passes; 16 GiB passes", () => {
    expect(memoryCheck(memory(7.6)).status).toBe("pass");
    expect(memoryCheck(memory(16))).toMatchObject({ id: "memory", status: "pass", message: "16.0 GiB of memory.", fix: null });
  });
  test("a 4 GB machine warns, 2 GiB fails and blocks", () => {
    expect(memoryCheck(memory(3.8)).status).toBe("warn");
    const low = memoryCheck(memory(2));
    expect(low).toMatchObject({ status: "fail", blocking: true });
    expect(low.message).toContain("2.0 GiB");
  });
});
