import { describe, expect, test } from "bun:test";
import { formatDuration, formatGiB, formatMiBAsGiB, formatNumber, formatPercent, formatWhen } from "./units.ts";

describe("units shown to owners", () => {
  test("memory in GiB: one decimal when small, whole when large", () => {
    expect(formatGiB(8 * 2 ** 30)).toBe("8.0 GiB");
    expect(formatGiB(64 * 2 ** 30)).toBe("64 GiB");
    expect(formatGiB(2e12)).toBe("1,863 GiB");
    expect(formatMiBAsGiB(24564)).toBe("24 GiB");
  });

  test("numbers, durations, percentages and times", () => {
    expect(formatNumber(21800)).toBe("21,800");
    expect(formatNumber(0.912, 2)).toBe("0.91");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(8200)).toBe("8 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatPercent(0.426)).toBe("43%");
    expect(formatPercent(1.7)).toBe("100%");
    expect(formatWhen("2026-11-22T08:01:00.000Z")).toBe("2026-11-22 08:01 UTC");
    expect(formatWhen("not a date")).toBe("not a date");
  });
});
