import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadRegistryConfig, parseRegistryConfig, RegistryConfigError } from "./registry-config.ts";

const ADMIN = "akash1qyyq79says4nyw2qga892hrrdfchslux4mx9c0";

function activeRegion(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Region ${id}`,
    locationRegion: "na-us-west",
    countries: ["US"],
    latitude: 45.5,
    longitude: -122.7,
    probeUrl: `https://${id}.example.org/probe`,
    kubeconfig: `/etc/akash-home/${id}.kubeconfig`,
    headscale: { url: `https://hs.${id}.example.org`, apiKeyFile: `/etc/akash-home/${id}.headscale-key` },
    ...extra,
  };
}

const yamlOf = (config: unknown) => stringify(config);

/** problemsOf parses config and returns the problem lines it was refused with. */
function problemsOf(config: unknown): string[] {
  try {
    parseRegistryConfig(typeof config === "string" ? config : yamlOf(config), "regions.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryConfigError);
    return [...(err as RegistryConfigError).problems];
  }
  throw new Error("the config was accepted");
}

describe("a valid config", () => {
  test("fills in the defaults an operator leaves out", () => {
    const config = parseRegistryConfig(yamlOf({ regions: [activeRegion("us-west-1")] }), "regions.yaml");
    expect(config.placement).toEqual({ maxRttMs: 150, maxDistanceKm: 3000 });
    expect(config.waitlist).toEqual({ defaultThreshold: 25, areas: {} });
    expect(config.admins).toEqual([]);
    expect(config.regions[0]).toMatchObject({ capacity: 250, admission: "open", status: "active", firstUserBootstraps: false });
  });

  test("keeps what the operator set, with country codes in upper case", () => {
    const config = parseRegistryConfig(
      yamlOf({
        placement: { maxRttMs: 90 },
        waitlist: { defaultThreshold: 10, areas: { US: 50, "near-us-west-1": 5 } },
        admins: [ADMIN],
        regions: [activeRegion("us-west-1", { countries: ["us", "ca"], capacity: 150, admission: "approval", requirements: { minCpuCores: 2, minMemoryGiB: 4 } })],
      }),
      "regions.yaml",
    );
    expect(config.placement.maxRttMs).toBe(90);
    expect(config.waitlist.areas).toEqual({ US: 50, "near-us-west-1": 5 });
    expect(config.admins).toEqual([ADMIN]);
    expect(config.regions[0]).toMatchObject({ countries: ["US", "CA"], capacity: 150, admission: "approval", requirements: { minCpuCores: 2, minMemoryGiB: 4, gpuRequired: false } });
  });

  test("a planned region needs no cluster access yet", () => {
    const planned = { id: "eu-central-1", name: "EU Central", locationRegion: "eu-central", latitude: 50.1, longitude: 8.7, probeUrl: "https://eu.example.org/probe", status: "planned", firstUserBootstraps: true };
    const config = parseRegistryConfig(yamlOf({ regions: [planned] }), "regions.yaml");
    expect(config.regions[0]).toMatchObject({ status: "planned", firstUserBootstraps: true });
    expect(config.regions[0]!.kubeconfig).toBeUndefined();
    expect(config.regions[0]!.headscale).toBeUndefined();
  });
});

describe("an invalid config names the field and the reason", () => {
  test("a capacity that is not a whole number of at least 1", () => {
    expect(problemsOf({ regions: [activeRegion("a"), activeRegion("b", { capacity: 0 })] })).toEqual(["regions[1].capacity: must be a whole number of at least 1"]);
    expect(problemsOf({ regions: [activeRegion("a", { capacity: 2.5 })] })).toEqual(["regions[0].capacity: must be a whole number of at least 1"]);
  });

  test("an unknown key, with the key it was probably meant to be", () => {
    const region = activeRegion("a", { capcity: 100 });
    expect(problemsOf({ regions: [region] })).toEqual(["regions[0].capcity: unknown key; did you mean capacity?"]);
    expect(problemsOf({ placement: { maxRtt: 100 }, regions: [activeRegion("a")] })).toEqual(["placement.maxRtt: unknown key; did you mean maxRttMs?"]);
    expect(problemsOf({ regions: [activeRegion("a")], colour: "blue" })[0]).toStartWith("colour: unknown key; this section takes placement, waitlist, admins, regions");
  });

  test("a country code that is not a real one", () => {
    expect(problemsOf({ regions: [activeRegion("a", { countries: ["US", "XX"] })] })).toEqual(["regions[0].countries[1]: XX is not an ISO 3166-1 alpha-2 country code"]);
    expect(problemsOf({ regions: [activeRegion("a", { countries: ["UK"] })] })).toEqual(["regions[0].countries[0]: UK is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB)"]);
  });

  test("a region id used twice", () => {
    expect(problemsOf({ regions: [activeRegion("us-west-1"), activeRegion("us-east-1"), activeRegion("us-west-1")] })).toEqual([
      'regions[2].id: "us-west-1" is used twice (also regions[0].id); region ids must be unique',
    ]);
  });

  test("a region id that is not a DNS label, or is the reserved word auto", () => {
    expect(problemsOf({ regions: [activeRegion("US_West")] })[0]).toStartWith("regions[0].id: must be lowercase letters, digits and dashes");
    expect(problemsOf({ regions: [activeRegion("auto")] })).toEqual(['regions[0].id: "auto" is reserved: it means "the nearest region"']);
  });

  test("a URL that is not an http(s) URL", () => {
    expect(problemsOf({ regions: [activeRegion("a", { probeUrl: "not a url" })] })).toEqual(["regions[0].probeUrl: must be an http:// or https:// URL"]);
    expect(problemsOf({ regions: [activeRegion("a", { headscale: { url: "ftp://hs", apiKeyFile: "/k" } })] })).toEqual(["regions[0].headscale.url: must be an http:// or https:// URL"]);
  });

  test("an active region without kubeconfig or headscale", () => {
    const { kubeconfig: _k, headscale: _h, ...bare } = activeRegion("us-west-1");
    expect(problemsOf({ regions: [bare] })).toEqual([
      "regions[0].kubeconfig: an active region needs the path of its cluster's kubeconfig (or set status: planned)",
      "regions[0].headscale: an active region needs its Headscale url and apiKeyFile (or set status: planned)",
    ]);
  });

  test("a missing required field, a wrong type and an out-of-range coordinate, all at once", () => {
    const { name: _n, ...noName } = activeRegion("a", { latitude: 95, admission: "maybe" });
    expect(problemsOf({ regions: [noName] })).toEqual([
      "regions[0].name: is required",
      "regions[0].latitude: must be degrees between -90 and 90",
      "regions[0].admission: must be open or approval",
    ]);
  });

  test("first-user bootstrap on a region that already runs", () => {
    expect(problemsOf({ regions: [activeRegion("a", { firstUserBootstraps: true })] })).toEqual([
      "regions[0].firstUserBootstraps: only a planned region can offer its first user the operator role",
    ]);
  });

  test("an admin that is not an Akash address (bad checksum)", () => {
    const typo = ADMIN.slice(0, -1) + (ADMIN.endsWith("u") ? "v" : "u");
    expect(problemsOf({ admins: [typo], regions: [activeRegion("a")] })).toEqual([
      `admins[0]: "${typo}" is not an Akash address: it must be bech32 with the akash prefix and a valid checksum`,
    ]);
  });

  test("a waitlist area that no device could ever wait in", () => {
    expect(problemsOf({ waitlist: { areas: { USA: 10, "near-nowhere": 3 } }, regions: [activeRegion("a")] })).toEqual([
      "waitlist.areas.USA: not an area; areas are ISO country codes in upper case (US), near-<region id> of a configured region, or unknown",
      "waitlist.areas.near-nowhere: not an area; areas are ISO country codes in upper case (US), near-<region id> of a configured region, or unknown",
    ]);
  });

  test("no regions, an empty file, and broken YAML", () => {
    expect(problemsOf({ regions: [] })).toEqual(["regions: must list at least one region"]);
    expect(problemsOf({})).toEqual(["regions: is required"]);
    expect(problemsOf("")).toEqual(["the file is empty: it needs at least a regions: list"]);
    expect(problemsOf("regions:\n  - id: a\n  - id: b\n id: c\n")[0]).toMatch(/^line \d+, column \d+: /);
    expect(problemsOf("regions: []\nregions: []\n")[0]).toMatch(/^line 2, column 1: .*unique/);
  });

  test("the error message carries the file name and every problem", () => {
    expect(() => parseRegistryConfig(yamlOf({ regions: [activeRegion("a", { capacity: -1, status: "paused" })] }), "/etc/akash-home/regions.yaml")).toThrow(
      "/etc/akash-home/regions.yaml is not a valid registry config:\n  - regions[0].capacity: must be a whole number of at least 1\n  - regions[0].status: must be active or planned",
    );
  });
});

describe("${REGISTRY_URL} in probe URLs", () => {
  const withPlaceholder = yamlOf({ regions: [activeRegion("a", { probeUrl: "${REGISTRY_URL}/healthz" })] });

  test("is replaced by the registry's own URL", () => {
    expect(parseRegistryConfig(withPlaceholder, "regions.yaml", { registryUrl: "http://127.0.0.1:9090/" }).regions[0]!.probeUrl).toBe("http://127.0.0.1:9090/healthz");
  });

  test("without a registry URL is an error, not a broken probe", () => {
    expect(problemsOf(withPlaceholder)).toEqual(["regions[0].probeUrl: uses ${REGISTRY_URL}, but the registry was not told its own URL; write the URL out"]);
  });
});

describe("loading from a file", () => {
  test("the demo config parses, with its probes pointing at the local registry", async () => {
    const config = await loadRegistryConfig(join(import.meta.dir, "demo-regions.yaml"), { registryUrl: "http://127.0.0.1:8080" });
    const [demo, planned] = config.regions;
    expect(demo).toMatchObject({ id: "local-demo", status: "active", admission: "open", probeUrl: "http://127.0.0.1:8080/healthz" });
    expect(planned).toMatchObject({ status: "planned", firstUserBootstraps: true });
    expect(config.regions).toHaveLength(2);
  });

  test("relative key and kubeconfig paths are taken from the config's folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "registry-config-"));
    const region = activeRegion("a", { kubeconfig: "a.kubeconfig", headscale: { url: "https://hs.example.org", apiKeyFile: "keys/a.key" } });
    writeFileSync(join(dir, "regions.yaml"), yamlOf({ regions: [region] }));
    const config = await loadRegistryConfig(join(dir, "regions.yaml"));
    expect(config.regions[0]!.kubeconfig).toBe(join(dir, "a.kubeconfig"));
    expect(config.regions[0]!.headscale!.apiKeyFile).toBe(join(dir, "keys/a.key"));
  });

  test("a missing file says which flag to fix", async () => {
    await expect(loadRegistryConfig("/nonexistent/regions.yaml")).rejects.toThrow("the file does not exist; pass --config");
  });
});
