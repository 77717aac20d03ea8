import { describe, expect, test } from "bun:test";
import { HEALTHY_SYSTEM } from "../fake-sources.ts";
import { archCheck, kernelVersion, osCheck } from "./os-checks.ts";

const os = (over: Partial<typeof HEALTHY_SYSTEM.os>) => ({ ...HEALTHY_SYSTEM.os, ...over });

describe("os", () => {
  test("Linux with a current kernel passes and says which", () => {
    expect(osCheck(os({}))).toMatchObject({ id: "os", status: "pass", message: "Ubuntu 24.04.1 LTS, kernel 6.8.0-45-generic." });
  });
  test("kernel 4.19 fails, 5.0 passes", () => {
    expect(osCheck(os({ kernel: "4.19.0-27-amd64" }))).toMatchObject({ status: "fail", blocking: true });
    expect(osCheck(os({ kernel: "5.0.0" })).status).toBe("pass");
  });
  test("macOS fails: Linux only", () => {
    const c = osCheck(os({ platform: "darwin", distro: "macOS", release: "15.1", kernel: "24.1.0" }));
    expect(c.status).toBe("fail");
    expect(c.message).toContain("Linux only");
  });
  test("kernelVersion reads distro suffixes", () => {
    expect(kernelVersion("6.18.44-fc-v657")).toEqual([6, 18]);
    expect(kernelVersion("weird")).toBeNull();
  });
});

describe("arch", () => {
  test("x64 and arm64 pass, 32-bit ARM fails with the fix for a Raspberry Pi", () => {
    expect(archCheck(os({ arch: "x64" })).status).toBe("pass");
    expect(archCheck(os({ arch: "arm64" })).status).toBe("pass");
    const c = archCheck(os({ arch: "arm" }));
    expect(c).toMatchObject({ id: "arch", status: "fail", blocking: true });
    expect(c.fix).toContain("64-bit");
  });
});
