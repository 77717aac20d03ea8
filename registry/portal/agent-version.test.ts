import { expect, test } from "bun:test";
import { compareVersions, isBehind } from "./agent-version.ts";

test("an agent older than the registry is told to update; an equal, newer or unreadable one is not", () => {
  expect(isBehind("0.1.0", "0.2.0")).toBe(true);
  expect(isBehind("0.9.9", "0.10.0")).toBe(true);
  expect(isBehind("1.0.0-rc.1", "1.0.0")).toBe(true);
  expect(isBehind("1.0.0", "1.0.0")).toBe(false);
  expect(isBehind("1.2.0", "1.1.9")).toBe(false);
  expect(isBehind("garbage", "1.0.0")).toBe(false);
  expect(isBehind("1.0.0", "0.0.0-dev")).toBe(false);
});

test("pre-releases order by their fields, numbers before words", () => {
  expect(compareVersions("1.0.0-alpha", "1.0.0-alpha.1")! < 0).toBe(true);
  expect(compareVersions("1.0.0-alpha.2", "1.0.0-alpha.10")! < 0).toBe(true);
  expect(compareVersions("1.0.0-1", "1.0.0-beta")! < 0).toBe(true);
  expect(compareVersions("v2.0.0+build.5", "2.0.0")).toBe(0);
});
