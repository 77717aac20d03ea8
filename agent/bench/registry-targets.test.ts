import { afterAll, expect, test } from "bun:test";
import { DOWNLOAD_TEST_FILE, networkTargets } from "./registry-targets.ts";
import { closedPort, startFakeRegistry } from "./testdata/fake-registry.ts";

const registry = startFakeRegistry({ closedPort: closedPort() });
afterAll(() => registry.stop());

test("the registry's regions become probes and its agent binary the download test", async () => {
  const t = await networkTargets(registry.url + "/");
  expect(t.regionsError).toBeNull();
  expect(t.regions.map((r) => r.regionId)).toEqual(["near", "gone"]);
  expect(t.regions[0]!.probeUrl).toBe(`${registry.url}/probe/near`);
  expect(t.downloadUrl).toBe(`${registry.url}${DOWNLOAD_TEST_FILE}`);
  expect(DOWNLOAD_TEST_FILE).toBe("/downloads/akash-home-linux-x64");
});

test("an unreachable registry is reported, not thrown", async () => {
  const t = await networkTargets(`http://127.0.0.1:${closedPort()}`);
  expect(t.regions).toEqual([]);
  expect(t.regionsError).toContain("registry not reachable");
});

test("no registry means nothing to measure and nothing wrong", async () => {
  expect(await networkTargets(null)).toEqual({ regions: [], regionsError: null, downloadUrl: null });
});
