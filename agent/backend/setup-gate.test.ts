import { describe, expect, test } from "bun:test";
import { SetupGate } from "./setup-gate.ts";

describe("setup code", () => {
  test("looks like XXXX-XXXX without confusable characters", () => {
    const code = new SetupGate().currentCode()!;
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });
  test("is exchanged once for a session, typed in any case or spacing", () => {
    const gate = new SetupGate();
    const code = gate.currentCode()!;
    const token = gate.exchange(` ${code.toLowerCase().replace("-", " ")} `);
    expect(token).toBeString();
    expect(gate.isSession(token)).toBe(true);
    expect(gate.currentCode()).toBeNull();
    expect(gate.exchange(code)).toBeNull();
  });
  test("a wrong code gives no session", () => {
    const gate = new SetupGate();
    expect(gate.exchange("AAAA-AAAA")).toBeNull();
    expect(gate.isSession("made-up")).toBe(false);
    expect(gate.isSession(undefined)).toBe(false);
  });
  test("twenty wrong guesses burn the code, so it cannot be brute-forced", () => {
    const gate = new SetupGate();
    const code = gate.currentCode()!;
    for (let i = 0; i < 20; i++) gate.exchange("WRNG-CODE");
    expect(gate.exchange(code)).toBeNull();
    const fresh = gate.renewCode();
    expect(gate.exchange(fresh)).toBeString();
  });
  test("sessions expire and can be ended", () => {
    let now = 0;
    const gate = new SetupGate(1000, () => now);
    const token = gate.exchange(gate.currentCode()!)!;
    now = 999;
    expect(gate.isSession(token)).toBe(true);
    now = 1001;
    expect(gate.isSession(token)).toBe(false);
    const other = gate.exchange(gate.renewCode())!;
    gate.endSession(other);
    expect(gate.isSession(other)).toBe(false);
  });
});
