import { expect, test } from "bun:test";
import os from "node:os";
import { fallbackSystemFacts, fromSystemInformation, type SiAnswers } from "./system-facts.ts";

const answers: SiAnswers = {
  cpu: { manufacturer: "Intel", brand: "Core™ i7-12700K", cores: 20, physicalCores: 12, speed: 3.6, speedMax: 5.0 },
  flags: "fpu vme avx2  avx512f",
  mem: { total: 34359738368, available: 30000000000, swaptotal: 2147483648 },
  osInfo: { platform: "linux", distro: "Ubuntu", release: "24.04.1 LTS", kernel: "6.8.0-45-generic", arch: "x64", hostname: "desk" },
  system: { model: "B660M", virtual: false },
};

test("threads are logical CPUs and cores physical ones; the model names the maker", () => {
  const f = fromSystemInformation(answers);
  expect(f.cpu).toEqual({ vendor: "Intel", model: "Intel Core™ i7-12700K", cores: 12, threads: 20, speedGHz: 5, flags: ["fpu", "vme", "avx2", "avx512f"] });
  expect(f.virtualization).toEqual({ virtual: false, kind: null });
});

test("an unknown clock speed is null, a VM names its hypervisor, a container says so", () => {
  const vm = fromSystemInformation({ ...answers, cpu: { ...answers.cpu, speed: 0, speedMax: 0 }, system: { model: "Standard PC", virtual: true, virtualHost: "KVM" } });
  expect(vm.cpu.speedGHz).toBeNull();
  expect(vm.virtualization).toEqual({ virtual: true, kind: "KVM" });
  expect(fromSystemInformation({ ...answers, system: { model: "Docker Container", virtual: true } }).virtualization).toEqual({ virtual: true, kind: "container (Docker)" });
});

test("the node:os fallback describes this machine", () => {
  const f = fallbackSystemFacts();
  expect(f.cpu.threads).toBe(os.cpus().length);
  expect(f.memory.totalBytes).toBe(os.totalmem());
  expect(f.os.arch).toBe(os.arch());
});
