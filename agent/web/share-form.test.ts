import { describe, expect, test } from "bun:test";
import { RTX_4090, sampleDoctorReport } from "../../tests/fixtures/reports.ts";
import { parseShareForm, shareFormFrom } from "./share-form.ts";

const hw = sampleDoctorReport().hardware;
const form = (over: Partial<Parameters<typeof parseShareForm>[0]> = {}) => ({ cpuCores: "4", memoryGiB: "8", gpus: [], hours: "always" as const, from: "22:00", to: "07:00", ...over });

describe("share form", () => {
  test("a valid form becomes ShareSettings; hours are null when always", () => {
    expect(parseShareForm(form({ gpus: [RTX_4090.uuid!] }), hw)).toEqual({ share: { cpuCores: 4, memoryGiB: 8, gpus: [RTX_4090.uuid!], hours: null } });
    expect(parseShareForm(form({ hours: "window" }), hw)).toEqual({ share: { cpuCores: 4, memoryGiB: 8, gpus: [], hours: { from: "22:00", to: "07:00" } } });
  });

  test.each([
    [{ cpuCores: "" }, "cpuCores", "enter a whole number of threads, like 4"],
    [{ cpuCores: "1.5" }, "cpuCores", "enter a whole number of threads, like 4"],
    [{ cpuCores: "-2" }, "cpuCores", "enter a whole number of threads, like 4"],
    [{ cpuCores: "0" }, "cpuCores", "share at least 1 CPU core"],
    [{ cpuCores: "33" }, "cpuCores", "this computer has 32 threads; share at most that many"],
    [{ memoryGiB: "0" }, "memoryGiB", "share at least 1 GiB of memory"],
    [{ memoryGiB: "65" }, "memoryGiB", "this computer has 64 GiB; share at most that much"],
    [{ hours: "window" as const, from: "7pm" }, "from", "use 24-hour HH:MM, e.g. 22:00"],
    [{ hours: "window" as const, from: "07:00", to: "07:00" }, "to", "the end must differ from the start"],
    [{ gpus: ["GPU-someone-elses"] }, "gpus", "choose only graphics cards this computer can share"],
  ])("%j is refused on %s: %s", (over, field, message) => {
    const result = parseShareForm(form(over), hw);
    expect("errors" in result && result.errors[field as keyof typeof result.errors]).toBe(message);
  });

  test("a window's times are ignored when sharing always", () => {
    expect("share" in parseShareForm(form({ from: "nonsense" }), hw)).toBe(true);
  });

  test("saved settings fill the form back in", () => {
    expect(shareFormFrom({ cpuCores: 3, memoryGiB: 5, gpus: ["a"], hours: { from: "01:00", to: "02:00" } })).toEqual({ cpuCores: "3", memoryGiB: "5", gpus: ["a"], hours: "window", from: "01:00", to: "02:00" });
  });
});
