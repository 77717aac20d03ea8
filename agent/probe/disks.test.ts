import { describe, expect, test } from "bun:test";
import { fakeSources, healthyMachine } from "./fake-sources.ts";
import { mountOf, nearestExisting, parseMounts, readDisk } from "./disks.ts";

const GiB = 1024 ** 3;
const MOUNTS = "/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 /var/lib xfs rw 0 0\n/dev/sdc1 /mnt/big\\040disk btrfs rw 0 0\n";

describe("mounts", () => {
  test("parseMounts undoes the kernel's octal escapes", () => {
    expect(parseMounts(MOUNTS).map((m) => m.mount)).toEqual(["/", "/var/lib", "/mnt/big disk"]);
  });

  test("mountOf picks the longest mount point that contains the path", () => {
    const mounts = parseMounts(MOUNTS);
    expect(mountOf(mounts, "/var/lib/rancher")?.mount).toBe("/var/lib");
    expect(mountOf(mounts, "/var/library")?.mount).toBe("/");
    expect(mountOf(mounts, "/mnt/big disk/images")?.fsType).toBe("btrfs");
  });
});

describe("readDisk", () => {
  test("a directory that does not exist yet is measured where it will be created", async () => {
    const m = healthyMachine();
    m.files["/proc/self/mounts"] = MOUNTS;
    m.disks["/var/lib"] = { totalBytes: 2000 * GiB, freeBytes: 1500 * GiB };
    const sources = fakeSources(m);
    expect(await nearestExisting(sources, "/var/lib/rancher/k3s")).toBe("/var/lib");
    expect(await readDisk(sources, "images", "/var/lib/rancher")).toEqual({ purpose: "images", path: "/var/lib/rancher", mount: "/var/lib", fsType: "xfs", totalBytes: 2000 * GiB, freeBytes: 1500 * GiB });
  });

  test("statfs failing gives null, not a made-up number", async () => {
    const m = healthyMachine();
    m.disks = {};
    expect(await readDisk(fakeSources(m), "state", "/var/lib/akash-home")).toBeNull();
  });
});
