import { describe, expect, test } from "bun:test";
import type { Disk } from "../../../protocol/hardware.ts";
import { imagesDiskCheck, stateDiskCheck } from "./disk-checks.ts";

const GiB = 1024 ** 3;
const disk = (purpose: Disk["purpose"], freeGiB: number): Disk => ({ purpose, path: "/x", mount: "/", fsType: "ext4", totalBytes: 1000 * GiB, freeBytes: freeGiB * GiB });

describe("disk-images", () => {
  test("100 GiB free passes, 99.5 fails and blocks, with the numbers in the message", () => {
    expect(imagesDiskCheck(disk("images", 100), "/var/lib/rancher")).toMatchObject({ status: "pass", fix: null });
    const c = imagesDiskCheck(disk("images", 99.5), "/var/lib/rancher");
    expect(c).toMatchObject({ id: "disk-images", status: "fail", blocking: true });
    expect(c.message).toContain("99.5 GiB free on /");
    expect(c.message).toContain("100 GiB");
    expect(c.fix).toContain("/var/lib/rancher");
  });
  test("an unmeasurable disk fails instead of passing silently", () => {
    expect(imagesDiskCheck(undefined, "/var/lib/rancher").status).toBe("fail");
  });
});

describe("disk-state", () => {
  test("1 GiB is enough, less fails and points at --state-dir", () => {
    expect(stateDiskCheck(disk("state", 1), "/var/lib/akash-home").status).toBe("pass");
    const c = stateDiskCheck(disk("state", 0.2), "/var/lib/akash-home");
    expect(c).toMatchObject({ id: "disk-state", status: "fail", blocking: true });
    expect(c.fix).toContain("--state-dir");
  });
});
