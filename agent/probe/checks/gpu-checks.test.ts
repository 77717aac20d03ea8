import { describe, expect, test } from "bun:test";
import type { Gpu } from "../../../protocol/hardware.ts";
import { nvidiaFixture } from "../fake-sources.ts";
import { buildGpuList } from "../gpu/gpu-list.ts";
import type { NvidiaProbe } from "../gpu/nvidia-probe.ts";
import { parseNvidiaSmiXml } from "../gpu/nvidia-smi-xml.ts";
import type { PciDisplayDevice } from "../gpu/pci-display-devices.ts";
import { gpuDriverCheck } from "./gpu-driver-check.ts";
import { gpuSupportedCheck, nvidiaDrmCheck } from "./gpu-checks.ts";

const GiB = 1024 ** 3;
function ok(file: string): NvidiaProbe {
  const gpus = parseNvidiaSmiXml(nvidiaFixture(file));
  return { status: "ok", gpus, driverVersion: gpus[0]!.driverVersion, cudaVersion: gpus[0]!.cudaVersion };
}
const rtx4090OnBus: PciDisplayDevice = { address: "0000:01:00.0", vendor: "nvidia", pciId: "10de:2684" };
const intelOnBus: PciDisplayDevice = { address: "0000:00:02.0", vendor: "intel", pciId: "8086:a780" };
const gpusOf = (probe: NvidiaProbe, pci: PciDisplayDevice[] = [rtx4090OnBus]): Gpu[] => buildGpuList(probe, pci, 128 * GiB);

describe("gpu-driver", () => {
  test("no NVIDIA GPU and no driver passes", () => {
    expect(gpuDriverCheck({ status: "missing" }, [])).toMatchObject({ id: "gpu-driver", status: "pass", blocking: false });
  });
  test("an NVIDIA card without a driver fails (not blocking) with install steps", () => {
    const c = gpuDriverCheck({ status: "missing" }, gpusOf({ status: "missing" }));
    expect(c).toMatchObject({ status: "fail", blocking: false });
    expect(c.message).toContain("rtx4090");
    expect(c.fix).toContain("ubuntu-drivers install");
  });
  test("nvidia-smi's failures each get their own fix", () => {
    const failed = (reason: "no-driver" | "version-mismatch" | "timeout"): NvidiaProbe => ({ status: "failed", reason, detail: "…" });
    expect(gpuDriverCheck(failed("version-mismatch"), []).fix).toBe("Reboot.");
    expect(gpuDriverCheck(failed("no-driver"), []).fix).toContain("Secure Boot");
    expect(gpuDriverCheck(failed("timeout"), []).message).toContain("did not answer within 15 s");
  });
  test("a working driver passes with its versions; an old one warns", () => {
    expect(gpuDriverCheck(ok("rtx4090-single.xml"), []).message).toBe("NVIDIA driver 550.54.14, CUDA 12.4, 1 GPU.");
    const old = gpuDriverCheck(ok("rtx3090-dual.xml"), []);
    expect(old.status).toBe("warn");
    expect(old.message).toContain("525.147.05");
  });
});

describe("nvidia-drm", () => {
  test("matters only with an NVIDIA GPU", () => {
    expect(nvidiaDrmCheck(false, []).status).toBe("pass");
    const c = nvidiaDrmCheck(false, gpusOf(ok("rtx4090-single.xml")));
    expect(c.status).toBe("warn");
    expect(c.fix).toContain("/etc/modules-load.d/nvidia_drm.conf");
    expect(nvidiaDrmCheck(true, gpusOf(ok("rtx4090-single.xml"))).status).toBe("pass");
  });
});

describe("gpu-supported", () => {
  test("no GPU passes: CPU and memory only", () => {
    expect(gpuSupportedCheck([]).message).toContain("share CPU and memory");
  });
  test("offered GPUs are named as Akash names them; an iGPU is mentioned as unused", () => {
    const c = gpuSupportedCheck(gpusOf(ok("rtx3090-dual.xml"), [intelOnBus]));
    expect(c.status).toBe("pass");
    expect(c.message).toBe("Can offer 2× rtx3090 24Gi. Not used: Intel GPU 8086:a780 (only NVIDIA GPUs can be offered).");
  });
  test("GB10 is offered, with unified memory said", () => {
    expect(gpuSupportedCheck(gpusOf(ok("gb10-dgx-spark.xml"), [])).message).toContain("gb10 128Gi (unified memory");
  });
  test("an unknown NVIDIA id warns with the reason", () => {
    const c = gpuSupportedCheck(gpusOf(ok("unknown-gtx1650.xml"), []));
    expect(c.status).toBe("warn");
    expect(c.message).toContain("not in the Akash GPU table yet");
  });
  test("a card the driver cannot reach points at the driver", () => {
    const c = gpuSupportedCheck(gpusOf({ status: "failed", reason: "no-driver", detail: "x" }));
    expect(c.status).toBe("warn");
    expect(c.fix).toContain("Fix the NVIDIA driver");
  });
  test("only an AMD GPU warns: detected, not yet supported", () => {
    const c = gpuSupportedCheck(gpusOf({ status: "missing" }, [{ address: "0000:03:00.0", vendor: "amd", pciId: "1002:744c" }]));
    expect(c.status).toBe("warn");
    expect(c.message).toContain("AMD GPUs are detected but not supported yet");
  });
});
