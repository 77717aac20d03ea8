// Resource quantities as the API server writes them, read the way Kubernetes means them.
import { describe, expect, test } from "bun:test";
import { parseQuantity } from "./quantity.ts";

describe("parseQuantity", () => {
  test.each([
    ["500m", 0.5],
    ["2", 2],
    ["0.25", 0.25],
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5G", 1.5e9],
    ["100k", 1e5],
    ["1e3", 1000],
    ["12E-1", 1.2],
    ["250n", 250e-9],
    ["+1", 1],
    [".5", 0.5],
  ])("%s is %d", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  test("what is not a quantity is null, not zero", () => {
    for (const bad of ["", "Mi", "1 Gi", "1GiB", "one", "1..2"]) expect(parseQuantity(bad)).toBeNull();
    expect(parseQuantity(undefined)).toBeNull();
  });
});
