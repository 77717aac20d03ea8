import { describe, expect, test } from "bun:test";
import { parseRegistryConfig } from "../config/registry-config.ts";
import { RegionDirectory } from "./directory.ts";

const config = parseRegistryConfig(
  `
regions:
  - id: us-west-1
    name: US West (Oregon)
    locationRegion: na-us-west
    latitude: 45.52
    longitude: -122.68
    probeUrl: https://probe.us-west-1.example.org/
    kubeconfig: /etc/akash-home/us-west-1.kubeconfig
    headscale: { url: "https://hs.us-west-1.example.org", apiKeyFile: /etc/akash-home/us-west-1.key }
    capacity: 2
    admission: approval
  - id: eu-central-1
    name: EU Central
    locationRegion: eu-central
    latitude: 50.11
    longitude: 8.68
    probeUrl: https://probe.eu-central-1.example.org/
    status: planned
    firstUserBootstraps: true
  - id: ap-south-1
    name: Asia South
    locationRegion: as-south
    latitude: 19.07
    longitude: 72.87
    probeUrl: https://probe.ap-south-1.example.org/
    status: planned
`,
  "regions.yaml",
);
const directory = new RegionDirectory(config);

describe("the region directory", () => {
  test("summaries tell anyone each region's load and whether it is full", () => {
    const load = new Map([["us-west-1", 2]]);
    expect(directory.summaries((id) => load.get(id) ?? 0)).toEqual([
      { id: "us-west-1", name: "US West (Oregon)", locationRegion: "na-us-west", probeUrl: "https://probe.us-west-1.example.org/", status: "active", admission: "approval", capacity: 2, devices: 2, full: true },
      { id: "eu-central-1", name: "EU Central", locationRegion: "eu-central", probeUrl: "https://probe.eu-central-1.example.org/", status: "planned", admission: "open", capacity: 250, devices: 0, full: false },
      { id: "ap-south-1", name: "Asia South", locationRegion: "as-south", probeUrl: "https://probe.ap-south-1.example.org/", status: "planned", admission: "open", capacity: 250, devices: 0, full: false },
    ]);
  });

  test("finds regions by id and names them for a device's view", () => {
    expect(directory.get("eu-central-1")?.name).toBe("EU Central");
    expect(directory.get("nowhere")).toBeUndefined();
    expect(directory.deviceRegion("us-west-1")).toEqual({ id: "us-west-1", name: "US West (Oregon)", locationRegion: "na-us-west" });
    expect(directory.deviceRegion("nowhere")).toBeNull();
  });

  test("only planned regions that say so offer their first user the operator role", () => {
    expect(directory.allowsFirstUserBootstrap("eu-central-1")).toBe(true);
    expect(directory.allowsFirstUserBootstrap("ap-south-1")).toBe(false);
    expect(directory.allowsFirstUserBootstrap("us-west-1")).toBe(false);
    expect(directory.allowsFirstUserBootstrap("nowhere")).toBe(false);
  });
});
