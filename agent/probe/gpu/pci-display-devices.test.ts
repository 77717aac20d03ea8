import { expect, test } from "bun:test";
import { fakeSources, healthyMachine, withPciDevice } from "../fake-sources.ts";
import { readPciDisplayDevices } from "./pci-display-devices.ts";

test("finds NVIDIA, AMD and Intel display controllers and skips audio functions and virtual VGA", async () => {
  let m = healthyMachine();
  m = withPciDevice(m, "0000:01:00.0", "0x10de", "0x2684", "0x030000");
  m = withPciDevice(m, "0000:01:00.1", "0x10de", "0x22ba", "0x040300"); // the card's HDMI audio
  m = withPciDevice(m, "0000:00:02.0", "0x8086", "0xa780", "0x030000");
  m = withPciDevice(m, "0000:03:00.0", "0x1002", "0x744c", "0x038000");
  m = withPciDevice(m, "0000:00:01.0", "0x1234", "0x1111", "0x030000"); // QEMU standard VGA
  m = withPciDevice(m, "0000:18:00.0", "0x10de", "0x2330", "0x030200"); // H100: a 3D controller, not VGA
  m = withPciDevice(m, "000f:01:00.0", "0x10de", "0x2e12", "0x030000"); // GB10, in PCI domain 000f
  expect(await readPciDisplayDevices(fakeSources(m))).toEqual([
    { address: "0000:00:02.0", vendor: "intel", pciId: "8086:a780" },
    { address: "0000:01:00.0", vendor: "nvidia", pciId: "10de:2684" },
    { address: "0000:03:00.0", vendor: "amd", pciId: "1002:744c" },
    { address: "0000:18:00.0", vendor: "nvidia", pciId: "10de:2330" },
    { address: "000f:01:00.0", vendor: "nvidia", pciId: "10de:2e12" },
  ]);
});

test("no /sys/bus/pci (some containers) gives an empty list", async () => {
  const m = healthyMachine();
  delete m.dirs["/sys/bus/pci/devices"];
  expect(await readPciDisplayDevices(fakeSources(m))).toEqual([]);
});
