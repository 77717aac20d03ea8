import { describe, expect, test } from "bun:test";
import { canVisit, previousStep, stepItems } from "./wizard-steps.ts";

describe("wizard steps", () => {
  test("steps up to the furthest reached can be opened, later ones cannot", () => {
    expect(canVisit("hardware", "region")).toBe(true);
    expect(canVisit("region", "region")).toBe(true);
    expect(canVisit("share", "region")).toBe(false);
    expect(previousStep("welcome")).toBeNull();
    expect(previousStep("claim")).toBe("benchmark");
  });

  test("looking back at an earlier step marks it current and the furthest step as reached", () => {
    const items = stepItems("hardware", "region");
    expect(items.map((i) => i.state)).toEqual(["done", "current", "done", "done", "reached", "upcoming", "upcoming", "upcoming"]);
    expect(items.map((i) => i.href)).toEqual(["/welcome", "/hardware", "/benchmark", "/claim", "/region", null, null, null]);
  });
});
